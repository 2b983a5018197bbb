"""Webhooks: registering endpoints, and turning content events into signed deliveries.

Every function runs in the caller's transaction (a mutation's, or the write that emitted the
event). URLs arrive already checked (`targets.check`): resolving a name is network I/O and is
done before the transaction opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from tortoise import timezone

from graph import models
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound
from graph.editing.records import locked
from graph.events import Event, EventType
from graph.webhooks import signing
from graph.webhooks.jobs import queue_delivery
from graph.webhooks.targets import MAX_URL, Target

MAX_DESCRIPTION = 300
# A delivery's payload is ids, slugs (at most 200 characters, a-z, 0-9 and hyphens), a type
# and a time: `{"type":…,"timestamp":…,"data":{"type":…,"id":…,"slug":…,"relay":{"id":…,
# "slug":…}}}` is at most about 700 bytes (tests/webhooks check the largest one fits).
MAX_PAYLOAD_BYTES = 1024
# `webhooks` is a plain list in the API, so the number of endpoints is bounded here.
MAX_WEBHOOKS = 100
# Fields an update may change, as the API names them; each maps to the same model attribute.
UPDATABLE = ("url", "events", "description", "active")


async def on_event(event: Event) -> None:
    """Queue a delivery to every active webhook subscribed to `event`."""
    webhooks = await models.Webhook.filter(active=True).order_by("id")
    subscribed = [webhook for webhook in webhooks if event.type.value in webhook.events]
    if not subscribed:
        return
    payload = {"type": event.type.value, "timestamp": _utc_now_iso(), "data": event.data()}
    for webhook in subscribed:
        delivery = await models.WebhookDelivery.create(
            webhook=webhook,
            message_id=signing.new_message_id(),
            event=event.type.value,
            payload=payload,
        )
        await queue_delivery(delivery.id)


async def create_webhook(
    target: Target, events: Iterable[EventType], description: str | None
) -> models.Webhook:
    """A new, active webhook with a fresh signing secret."""
    events = list(events)
    checks = Checks()
    _check_url(checks, target)
    _check_events(checks, events)
    checks.text(["description"], description, MAX_DESCRIPTION)
    if await models.Webhook.all().count() >= MAX_WEBHOOKS:
        checks.fail(["url"], f"at most {MAX_WEBHOOKS} webhooks can be registered", Code.TOO_MANY)
    checks.done()
    return await models.Webhook.create(
        url=target.url,
        events=_event_values(events),
        secret=signing.new_secret(),
        description=(description or "").strip(),
    )


async def update_webhook(
    webhook_id: int, expected_version: int, changes: Mapping[str, Any]
) -> models.Webhook:
    """Change the URL (a checked Target), events, description or active flag.

    Input equal to what is stored writes nothing and keeps the version.
    """
    webhook = await locked(models.Webhook, "webhook", webhook_id, expected_version)
    checks = Checks()
    checks.not_null(changes, "url", "events", "active")
    if changes.get("url") is not None:
        _check_url(checks, changes["url"])
    if changes.get("events") is not None:
        _check_events(checks, list(changes["events"]))
    checks.text(["description"], changes.get("description"), MAX_DESCRIPTION)
    checks.done()
    values = _stored_values(changes)
    changed = {name: value for name, value in values.items() if getattr(webhook, name) != value}
    if changed:
        webhook.update_from_dict(changed)
        webhook.version += 1
        await webhook.save()
    return webhook


async def delete_webhook(webhook_id: int) -> int:
    """Delete the webhook with its deliveries and their attempts; its waiting jobs end quietly."""
    webhook = await models.Webhook.get_or_none(id=webhook_id)
    if webhook is None:
        raise NotFound("webhook", webhook_id)
    await webhook.delete()
    return webhook_id


async def rotate_secret(webhook_id: int) -> models.Webhook:
    """Give the webhook a new secret; messages signed from now on use only the new one."""
    webhook = await models.Webhook.select_for_update().get_or_none(id=webhook_id)
    if webhook is None:
        raise NotFound("webhook", webhook_id)
    webhook.secret = signing.new_secret()
    webhook.version += 1
    await webhook.save()
    return webhook


async def redeliver(delivery_id: int) -> models.WebhookDelivery:
    """Send a delivered or failed delivery again (same message id): pending, with a new job.

    Earlier attempts stay recorded, and the give-up clock starts again now.
    """
    # Locked alone: PostgreSQL cannot lock through the outer join select_related makes.
    delivery = await models.WebhookDelivery.select_for_update().get_or_none(id=delivery_id)
    if delivery is None:
        raise NotFound("webhook delivery", delivery_id)
    await delivery.fetch_related("webhook")
    checks = Checks()
    if not delivery.webhook.active:
        checks.fail(["id"], "its webhook is inactive; activate the webhook first", Code.INVALID)
    elif delivery.status == models.DeliveryStatus.PENDING:
        # A second job would run a second chain of retries beside the queued one.
        checks.fail(["id"], "is still pending: its next attempt is already queued", Code.INVALID)
    checks.done()
    await models.WebhookDelivery.filter(id=delivery.id).update(
        status=models.DeliveryStatus.PENDING, delivered_at=None, last_error=None
    )
    await queue_delivery(delivery.id, since=timezone.now())
    return delivery


def _check_url(checks: Checks, target: Target) -> None:
    if not target.url.strip():
        checks.fail(["url"], "must not be empty", Code.REQUIRED)
    elif len(target.url) > MAX_URL:
        checks.fail(["url"], f"must be at most {MAX_URL} characters", Code.TOO_LONG)
    elif target.refusal is not None:
        checks.fail(["url"], target.refusal, Code.INVALID)


def _check_events(checks: Checks, events: list[EventType]) -> None:
    if not events:
        checks.fail(["events"], "must name at least one event", Code.REQUIRED)


def _event_values(events: Iterable[EventType]) -> list[str]:
    """The events as stored: their wire names, once each, in a fixed order."""
    wanted = set(events)
    return [event.value for event in EventType if event in wanted]


def _stored_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: changes[name] for name in UPDATABLE if name in changes}
    if "url" in values:
        values["url"] = values["url"].url
    if "events" in values:
        values["events"] = _event_values(values["events"])
    if "description" in values:
        values["description"] = (values["description"] or "").strip()
    return values


def _utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")

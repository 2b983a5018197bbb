"""The delivery job: one attempt at a webhook message, recorded, then retried or settled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import orjson
from tortoise import timezone
from tortoise.expressions import F

from graph import clock, db, models
from graph.jobs.engine import (
    BACKOFF,
    RetryLater,
    app,
    defer,
    is_waiting,
    job_settings,
    waiting_jobs,
)
from graph.webhooks import sending, targets
from graph.webhooks.sending import Outcome, stored_error

TASK_NAME = "deliver_webhook"
PENDING = models.DeliveryStatus.PENDING
DELIVERED = models.DeliveryStatus.DELIVERED
FAILED = models.DeliveryStatus.FAILED
# Standard Webhooks: these answers mean "not now", not "never".
RETRY_CODES = {408, 429}


@dataclass(frozen=True)
class Verdict:
    """What one attempt means for its delivery: its new status and whether to try again."""

    status: models.DeliveryStatus
    error: str | None = None
    retry: bool = False
    deactivate: bool = False


async def queue_delivery(delivery_id: int, since: dt.datetime | None = None) -> None:
    """Defer the delivery's job in the current transaction; `since` restarts the give-up clock."""
    await defer(
        deliver_webhook,
        # Never two runs for one delivery at once (a retry and a start-up requeue, say).
        lock=f"webhook-delivery-{delivery_id}",
        delivery_id=delivery_id,
        since=None if since is None else since.isoformat(),
    )


@app.task(name=TASK_NAME, retry=BACKOFF)
async def deliver_webhook(delivery_id: int, since: str | None = None) -> None:
    """Make one attempt at a pending delivery; RetryLater while a later one may succeed.

    A delivery that is gone (its webhook deleted) or no longer pending ends quietly; one whose
    webhook was deactivated is marked failed without a request. The give-up clock runs from
    `since` (ISO; a redelivery's time) or else from the delivery's creation.
    """
    delivery = await models.WebhookDelivery.filter(id=delivery_id).select_related("webhook").first()
    if delivery is None or delivery.status != PENDING:
        return
    if not delivery.webhook.active:
        await _settle_unsent(delivery_id, "Not sent: the webhook was deactivated.")
        return
    attempted_at = clock.now()
    started = dt.datetime.fromisoformat(since) if since else delivery.created_at
    outcome, verdict = await _attempt(delivery, (attempted_at - started).total_seconds())
    recorded = await _record(delivery_id, attempted_at, outcome, verdict)
    if recorded and verdict.retry:
        settings = job_settings()
        raise RetryLater(
            verdict.error or "retry", settings.webhook_retry_base_s, settings.webhook_retry_cap_s
        )


async def _attempt(delivery: models.WebhookDelivery, age_s: float) -> tuple[Outcome, Verdict]:
    """Check the target again (DNS may have changed), then send unless it is refused."""
    webhook, settings = delivery.webhook, job_settings()
    target = await targets.check(webhook.url, settings)
    if target.refusal is not None and not target.unresolved:
        reason = f"not sent: the URL {target.refusal}"
        return Outcome(None, reason, 0), Verdict(FAILED, reason[0].upper() + reason[1:] + ".")
    if target.refusal is not None:
        outcome = Outcome(None, target.refusal, 0)
    else:
        body = orjson.dumps(delivery.payload)
        outcome = await sending.post(
            webhook.url,
            webhook.secret,
            delivery.message_id,
            body,
            settings.webhook_timeout_s,
            target.address,
        )
    return outcome, judge(outcome, age_s, settings.webhook_give_up_after_s)


def judge(outcome: Outcome, age_s: float, give_up_after_s: float) -> Verdict:
    """Delivered on 2xx; retried on timeouts, network errors, 5xx, 408 and 429 until the
    delivery is older than `give_up_after_s`; failed on anything else (410 also deactivates)."""
    code = outcome.status_code
    if code is not None and 200 <= code < 300:
        return Verdict(DELIVERED)
    if code == 410:
        message = "HTTP 410 Gone: the endpoint is gone, so the webhook was deactivated."
        return Verdict(FAILED, message, deactivate=True)
    reason = outcome.error or f"HTTP {code}"
    if code is None or code in RETRY_CODES or code >= 500:
        if age_s > give_up_after_s:
            return Verdict(FAILED, f"Gave up after {age_s:.0f} s of failures; last: {reason}.")
        return Verdict(PENDING, reason, retry=True)
    if 300 <= code < 400:
        return Verdict(FAILED, f"HTTP {code}: redirects are not followed; register the final URL.")
    return Verdict(FAILED, f"HTTP {code}: the endpoint refused the message; not retried.")


async def _record(
    delivery_id: int, attempted_at: dt.datetime, outcome: Outcome, verdict: Verdict
) -> bool:
    """Store the attempt and the delivery's new state; False if the delivery is gone."""
    async with db.transaction():
        delivery = await models.WebhookDelivery.select_for_update().get_or_none(id=delivery_id)
        if delivery is None:
            return False
        await models.WebhookAttempt.create(
            delivery=delivery,
            attempted_at=attempted_at,
            status_code=outcome.status_code,
            error=stored_error(outcome.error),
            duration_ms=outcome.duration_ms,
        )
        delivered_at = timezone.now() if verdict.status == DELIVERED else None
        await models.WebhookDelivery.filter(id=delivery_id).update(
            attempts=F("attempts") + 1,
            last_attempt_at=attempted_at,
            status=verdict.status,
            last_error=stored_error(verdict.error),
            delivered_at=delivered_at,
        )
        if verdict.deactivate:
            webhook_id: int = delivery.webhook_id  # type: ignore[attr-defined]
            await models.Webhook.filter(id=webhook_id, active=True).update(
                active=False, version=F("version") + 1
            )
    return True


async def _settle_unsent(delivery_id: int, reason: str) -> None:
    await models.WebhookDelivery.filter(id=delivery_id, status=PENDING).update(
        status=FAILED, last_error=stored_error(reason)
    )


async def requeue_due() -> int:
    """Defer a job for every pending delivery that has none waiting; how many it deferred.

    A delivery waiting for its next retry has a job (scheduled later) and is left alone.
    """
    waiting = await waiting_jobs(deliver_webhook)
    deferred = 0
    for row in await models.WebhookDelivery.filter(status=PENDING).order_by("id").values("id"):
        if not is_waiting(waiting, delivery_id=row["id"]):
            await queue_delivery(row["id"])
            deferred += 1
    return deferred

"""Queries on subscribers and their relays, shared by the service and the jobs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise import timezone

from graph import models

# A subscriber's relays as its page and mails list them: each subscription adds at most 20.
MAX_RELAYS_SHOWN = 100


@dataclass(frozen=True)
class RelayRef:
    """A relay as mails and pages name it."""

    slug: str
    title: str


async def get_or_create(address: str) -> models.Subscriber:
    """The subscriber with this (normalised) address, made if new, locked for the transaction."""
    # Insert-or-nothing, so two requests for a new address at once both end up with the row
    # instead of one of them failing on the unique index.
    await models.Subscriber.bulk_create([models.Subscriber(email=address)], ignore_conflicts=True)
    return await models.Subscriber.select_for_update().get(email=address)


async def by_id(subscriber_id: int, lock: bool) -> models.Subscriber | None:
    """The subscriber (locked for the transaction if asked), or None when the row is gone."""
    query = models.Subscriber.select_for_update() if lock else models.Subscriber.all()
    return await query.get_or_none(id=subscriber_id)


async def add_relays(subscriber_id: int, relay_ids: Iterable[int]) -> None:
    """Subscribe to these relays too (ones already subscribed stay as they are)."""
    rows = [models.Subscription(subscriber_id=subscriber_id, relay_id=pk) for pk in relay_ids]
    await models.Subscription.bulk_create(rows, ignore_conflicts=True)


async def drop_relays(subscriber_id: int) -> None:
    """Forget every relay the subscriber had."""
    await models.Subscription.filter(subscriber_id=subscriber_id).delete()


async def relays_of(subscriber_id: int) -> list[RelayRef]:
    """The subscriber's relays, by title (the first MAX_RELAYS_SHOWN)."""
    rows = await (
        models.Relay.filter(subscriptions__subscriber_id=subscriber_id)
        .order_by("title", "id")
        .limit(MAX_RELAYS_SHOWN)
        .values_list("slug", "title")
    )
    return [RelayRef(slug, title) for slug, title in rows]


def awaits_confirmation(subscriber: models.Subscriber) -> bool:
    """Neither confirmed nor unsubscribed: the only mail it may get is the confirmation."""
    return subscriber.confirmed_at is None and subscriber.unsubscribed_at is None


async def mark_confirmation_sent(subscriber_id: int) -> None:
    """Note that the SMTP server took the confirmation mail."""
    await models.Subscriber.filter(id=subscriber_id).update(confirmation_sent_at=timezone.now())


async def never_asked() -> list[int]:
    """Subscribers awaiting confirmation whose confirmation mail never went out."""
    rows = await models.Subscriber.filter(
        confirmed_at__isnull=True, unsubscribed_at__isnull=True, confirmation_sent_at__isnull=True
    ).values_list("id")
    return [pk for (pk,) in rows]

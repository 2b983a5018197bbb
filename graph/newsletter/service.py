"""Subscribing (double opt-in), confirming, unsubscribing, and the ledger rows of a publish.

Every function runs inside the caller's transaction and either does all it was asked or
raises ValidationFailed having written nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise import timezone

from graph import models
from graph.editing.checks import Checks
from graph.editing.errors import Code, FieldError, ValidationFailed
from graph.editing.records import ids_by_slug
from graph.events import Event, EventType
from graph.jobs.engine import defer
from graph.newsletter import addresses, jobs, ledger, subscribers, tokens
from graph.newsletter.subscribers import RelayRef
from graph.newsletter.tokens import InvalidToken, Purpose

MAX_RELAYS = 20
# Asking again for an unconfirmed address re-sends the confirmation, but not more often than
# this: the form must not become a way to flood somebody's inbox.
RESEND_CONFIRMATION_AFTER = dt.timedelta(hours=1)
# A post published back-dated further than this (an archive import) is not news to mail.
NEWS_WINDOW = dt.timedelta(days=7)
INVALID_TOKEN = "invalid or expired token"


@dataclass(frozen=True)
class Requested:
    """What a subscribe request answers, the same whether or not the address was known."""

    email: str
    relays: list[str]


@dataclass(frozen=True)
class SubscriberView:
    """A subscriber as the holder of one of its links sees it."""

    email: str
    relays: list[RelayRef]
    confirmed: bool
    subscribed: bool


async def subscribe(email: str, relays: Sequence[str]) -> Requested:
    """Record the wish for mail about the relays; unconfirmed addresses get a confirmation."""
    checks = Checks()
    address = addresses.normalise(checks, ["email"], email)
    relay_ids = await _relay_ids(checks, relays)
    checks.done()
    subscriber = await subscribers.get_or_create(address)
    if subscriber.unsubscribed_at is not None:
        await _start_over(subscriber)
    await subscribers.add_relays(subscriber.id, relay_ids)
    await _ask_for_confirmation(subscriber)
    return Requested(address, list(dict.fromkeys(relays)))


async def _relay_ids(checks: Checks, slugs: Sequence[str]) -> list[int]:
    if not slugs:
        checks.fail(["relays"], "name at least one relay", Code.REQUIRED)
        return []
    if len(slugs) > MAX_RELAYS:
        checks.count(["relays"], slugs, MAX_RELAYS)
        return []
    found = await ids_by_slug(models.Relay, slugs)
    for index, slug in enumerate(slugs):
        if slug not in found:
            checks.fail(["relays", index], f"no relay with the slug {slug!r}", Code.UNKNOWN)
    return list(dict.fromkeys(found[slug] for slug in slugs if slug in found))


async def _start_over(subscriber: models.Subscriber) -> None:
    # Back after unsubscribing: the address must be confirmed again, and only the relays
    # asked for now count (not the ones left behind).
    subscriber.unsubscribed_at = None
    subscriber.confirmed_at = None
    subscriber.confirmation_sent_at = None
    await subscriber.save(update_fields=["unsubscribed_at", "confirmed_at", "confirmation_sent_at"])
    await subscribers.drop_relays(subscriber.id)


async def _ask_for_confirmation(subscriber: models.Subscriber) -> None:
    if subscriber.confirmed_at is not None:
        return
    sent_at = subscriber.confirmation_sent_at
    if sent_at is not None:
        if timezone.now() - sent_at < RESEND_CONFIRMATION_AFTER:
            return
        subscriber.confirmation_sent_at = None
        await subscriber.save(update_fields=["confirmation_sent_at"])
    await defer(
        jobs.send_confirmation,
        lock=jobs.confirmation_lock(subscriber.id),
        subscriber_id=subscriber.id,
    )


async def confirm(token: str, secret_key: str) -> SubscriberView:
    """Confirm the address a confirmation token names (again is fine: nothing changes)."""
    subscriber = await _holder(token, Purpose.CONFIRM, secret_key)
    if subscriber.unsubscribed_at is not None:
        # A link from before the unsubscribe must not quietly subscribe the address again.
        raise _invalid_token()
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        await subscriber.save(update_fields=["confirmed_at"])
    return await _view(subscriber)


async def unsubscribe(token: str, secret_key: str) -> SubscriberView:
    """Stop all mail to the address an unsubscribe token names (again is fine)."""
    subscriber = await _holder(token, Purpose.UNSUBSCRIBE, secret_key)
    if subscriber.unsubscribed_at is None:
        # The row stays: the sent ledger points to it, and a later subscribe reuses it.
        subscriber.unsubscribed_at = timezone.now()
        await subscriber.save(update_fields=["unsubscribed_at"])
    return await _view(subscriber)


async def unsubscribe_preview(token: str, secret_key: str) -> SubscriberView:
    """Who an unsubscribe token names, changing nothing (the page before the button)."""
    return await _view(await _holder(token, Purpose.UNSUBSCRIBE, secret_key, lock=False))


async def _holder(
    token: str, purpose: Purpose, secret_key: str, lock: bool = True
) -> models.Subscriber:
    try:
        subscriber_id = (await tokens.signer(secret_key)).subscriber_id(token, purpose)
    except InvalidToken:
        raise _invalid_token() from None
    subscriber = await subscribers.by_id(subscriber_id, lock)
    if subscriber is None:
        raise _invalid_token()
    return subscriber


def _invalid_token() -> ValidationFailed:
    return ValidationFailed([FieldError(("token",), INVALID_TOKEN, Code.INVALID)])


async def _view(subscriber: models.Subscriber) -> SubscriberView:
    return SubscriberView(
        email=subscriber.email,
        relays=await subscribers.relays_of(subscriber.id),
        confirmed=subscriber.confirmed_at is not None,
        subscribed=subscriber.unsubscribed_at is None,
    )


async def on_event(event: Event) -> None:
    """A post just published gets one ledger row per confirmed subscriber, and a mail job."""
    if event.type is not EventType.POST_PUBLISHED:
        return
    post = await models.Post.get(id=event.pk)
    if post.published_at is not None and post.published_at < timezone.now() - NEWS_WINDOW:
        return
    if await ledger.add_recipients(post.id, post.relay_id):  # type: ignore[attr-defined]
        await defer(jobs.send_post_mails, lock=jobs.post_lock(post.id), post_id=post.id)

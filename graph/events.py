"""Content events: what a write changed, handed to the work that follows it.

Editing services call `emit` inside their transaction. Each handler does its part in that same
transaction (webhook deliveries, newsletter ledger rows, the baton) and defers its jobs there,
so an event's follow-up exists exactly when the write commits. The handlers are not imported
here (their modules import the editing services, which emit): each process's entry point
subscribes them at start-up, through `graph.subscribers.register_all`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph import models
from graph.global_ids import to_global_id


class EventType(StrEnum):
    """The events webhooks can subscribe to."""

    POST_PUBLISHED = "post.published"
    POST_UPDATED = "post.updated"
    POST_UNPUBLISHED = "post.unpublished"
    POST_ARCHIVED = "post.archived"
    POST_SCHEDULED = "post.scheduled"
    RELAY_CREATED = "relay.created"
    RELAY_UPDATED = "relay.updated"
    AUTHOR_UPDATED = "author.updated"
    ORGANIZATION_UPDATED = "organization.updated"
    CATEGORY_CREATED = "category.created"
    BATON_PASSED = "baton.passed"


@dataclass(frozen=True)
class Event:
    """One change: its type, the object (`id` is its API global id) and related objects."""

    type: EventType
    object_type: str
    pk: int
    slug: str
    related: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The object's global id, as the API shows it."""
        return to_global_id(self.object_type, self.pk)

    def data(self) -> dict[str, Any]:
        """The webhook payload's `data`: ids and slugs, never content."""
        return {"type": self.object_type, "id": self.id, "slug": self.slug, **self.related}


Handler = Callable[[Event], Awaitable[None]]
# A post write as (post id, state before, state after), seen before its events are emitted.
PostWriteHandler = Callable[[int, dict[str, Any], dict[str, Any]], Awaitable[None]]

_handlers: list[Handler] = []
_post_write_handlers: list[PostWriteHandler] = []


class NobodyListens(RuntimeError):
    """An event was emitted in a process whose entry point subscribed no handler."""


def subscribe(handler: Handler) -> None:
    """Run `handler` for every event from now on, after those subscribed before (once each)."""
    if handler not in _handlers:
        _handlers.append(handler)


def subscribe_post_writes(handler: PostWriteHandler) -> None:
    """Run `handler` for every post write, before the write's events (once each)."""
    if handler not in _post_write_handlers:
        _post_write_handlers.append(handler)


async def emit(event: Event) -> None:
    """Run every handler for `event` inside the caller's transaction."""
    if not _handlers:
        # Silently dropping it would lose webhooks, mails and the baton without a trace.
        raise NobodyListens(f"{event.type.value} emitted before any handler was subscribed")
    for handler in _handlers:
        await handler(event)


def reference(object_type: str, pk: int, slug: str) -> dict[str, Any]:
    """A related object as payloads show it: global id and slug."""
    return {"id": to_global_id(object_type, pk), "slug": slug}


async def post_saved(post: models.Post, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Emit what a post write means to the outside: published, updated, unpublished …"""
    for handler in _post_write_handlers:
        await handler(post.id, before, after)
    for event_type in _post_event_types(before, after):
        relay = await models.Relay.get(id=post.relay_id)  # type: ignore[attr-defined]
        related = {"relay": reference("Relay", relay.id, relay.slug)}
        await emit(Event(event_type, "Post", post.id, post.slug, related))


def _post_event_types(before: dict[str, Any], after: dict[str, Any]) -> list[EventType]:
    was, now = before.get("status"), after["status"]
    if now == "PUBLISHED":
        if was != "PUBLISHED":
            return [EventType.POST_PUBLISHED]
        return [EventType.POST_UPDATED] if before != after else []
    if was == "PUBLISHED":
        return [EventType.POST_ARCHIVED if now == "ARCHIVED" else EventType.POST_UNPUBLISHED]
    if now == "SCHEDULED" and (was != "SCHEDULED" or before["publishAt"] != after["publishAt"]):
        return [EventType.POST_SCHEDULED]
    return []


Described = models.Relay | models.Author | models.Organization | models.Category

UPDATED = {
    models.Relay: EventType.RELAY_UPDATED,
    models.Author: EventType.AUTHOR_UPDATED,
    models.Organization: EventType.ORGANIZATION_UPDATED,
}


async def saved(event_type: EventType, row: Described) -> None:
    """Emit a relay, author, organisation or category event."""
    await emit(Event(event_type, type(row).__name__, row.id, row.slug))


async def updated(row: Any) -> None:
    """Emit the `*.updated` event for a changed relay, author or organisation."""
    event_type = UPDATED.get(type(row))
    if event_type is not None:
        await saved(event_type, row)

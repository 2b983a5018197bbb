"""Invalidation: a committed write drops the cached answers it made stale, in every process.

On PostgreSQL the tags travel as a NOTIFY sent inside the write's own transaction: the
database delivers it to every listening server exactly when the transaction commits, and
never for one that rolls back, whichever process (API server or job worker) wrote. This
process also drops its own entries right after the commit. On SQLite (one process) only the
local drop exists.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Iterable
from typing import Any

import psycopg

from graph import db, models
from graph.cache import tags as content
from graph.cache.store import ResponseCache

log = logging.getLogger(__name__)

CHANNEL = "graph_cache"
# NOTIFY payloads must stay under 8000 bytes.
MAX_PAYLOAD = 7000
RECONNECT_S = 1.0

# The caches of this process (an app registers its own; workers have none).
local: weakref.WeakSet[ResponseCache] = weakref.WeakSet()


async def invalidate(tags: Iterable[str]) -> None:
    """Drop answers carrying any of `tags`, everywhere, once the current transaction commits."""
    tag_list = sorted(set(tags))
    if not tag_list:
        return
    if db.dialect() == "postgres":
        for payload in _payloads(tag_list):
            await db.connection().execute_query("SELECT pg_notify(%s, %s)", [CHANNEL, payload])

    async def drop_here() -> None:
        for cache in list(local):
            cache.invalidate(tag_list)

    await db.on_commit(drop_here)


def _payloads(tag_list: list[str]) -> list[str]:
    payloads, current = [], ""
    for tag in tag_list:
        if current and len(current) + len(tag) + 1 > MAX_PAYLOAD:
            payloads.append(current)
            current = ""
        current = f"{current} {tag}" if current else tag
    return [*payloads, current]


async def post_written(post: models.Post, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A post write: public only if the post was or is published (drafts never were seen)."""
    if "PUBLISHED" not in (before.get("status"), after["status"]):
        return
    relay_id: int = post.relay_id  # type: ignore[attr-defined]
    await invalidate(
        [content.entity("Post", post.id), content.POSTS, content.relay_posts(relay_id)]
    )


async def post_staged(post: models.Post) -> None:
    """A staged edit kept or dropped: the live content is unchanged, its `version` is not.

    Only answers holding the post itself are dropped (they show its version); lists, legs
    and search are untouched. The staged content reaches no public answer until published.
    """
    await invalidate([content.entity("Post", post.id)])


Listed = models.Relay | models.Author | models.Organization | models.Category


async def row_created(row: Listed) -> None:
    """A new relay, author, organisation or category joins its list (and ends lookup misses)."""
    await invalidate([content.LIST_OF[type(row).__name__]])


async def row_updated(row: Any) -> None:
    """A changed relay, author or organisation: itself, and its list (names sort it).

    Other rows (a webhook, say) are never in a public answer.
    """
    kind = type(row).__name__
    if kind in content.LIST_OF:
        await invalidate([content.entity(kind, row.id), content.LIST_OF[kind]])


async def affiliations_changed(author_id: int, organization_ids: Iterable[int]) -> None:
    """An author's affiliations: the author and every organisation gained or lost.

    The kinds' list tags go too, as with every write: long `Cache-Tag` headers name only those.
    """
    await invalidate(
        [content.entity("Author", author_id), content.AUTHORS, content.ORGANIZATIONS]
        + [content.entity("Organization", pk) for pk in organization_ids]
    )


async def listen(database_url: str, cache: ResponseCache) -> None:
    """Apply every process's invalidations to `cache` until cancelled (PostgreSQL).

    While the feed is down the cache is off (anything may have changed unseen), and it
    starts empty again once the feed is back.
    """
    while True:
        try:
            connection = await psycopg.AsyncConnection.connect(
                db.libpq_url(database_url), autocommit=True
            )
            async with connection:
                await connection.execute(f"LISTEN {CHANNEL}")
                cache.clear()
                cache.enabled = True
                async for notice in connection.notifies():
                    cache.invalidate(notice.payload.split(" "))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("cache invalidation feed lost; cache off until it is back")
        cache.enabled = False
        cache.clear()
        await asyncio.sleep(RECONNECT_S)

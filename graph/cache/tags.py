"""Content tags: what a response was made from, so a write can drop exactly what it changed.

While a response is computed, every object the API builds adds its tag (`Post:12`), and every
list adds a list tag that a new member would change (`posts`, `posts:relay:3`, `authors` …).
A lookup that finds nothing adds the list tag of its kind: creating or publishing one drops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

POSTS = "posts"
RELAYS = "relays"
AUTHORS = "authors"
ORGANIZATIONS = "organizations"
CATEGORIES = "categories"

# Not a content tag: an answer carrying it belongs to its asker alone (a preview) and is never
# cached (graph.cache.middleware).
PRIVATE = "!private"

# The list tag for each kind of object, for lookups that miss.
LIST_OF = {
    "Post": POSTS,
    "Relay": RELAYS,
    "Author": AUTHORS,
    "Organization": ORGANIZATIONS,
    "Category": CATEGORIES,
}

# The list tag of each table listed by `relays`, `authors` and `organizations`.
LIST_OF_TABLE = {"relay": RELAYS, "author": AUTHORS, "organization": ORGANIZATIONS}

_collected: ContextVar[set[str] | None] = ContextVar("cache_tags", default=None)


def entity(type_name: str, pk: int) -> str:
    """The tag of one object."""
    return f"{type_name}:{pk}"


def relay_posts(relay_id: int) -> str:
    """The tag of everything that depends on one relay's published posts (lists, legs)."""
    return f"posts:relay:{relay_id}"


def of_row(type_name: str, row: Mapping[str, Any]) -> tuple[str, ...]:
    """The tags an object made from one row adds: its own, and a post its relay's list too.

    A post shows its leg, which the relay's other posts decide.
    """
    if type_name == "Post":
        return entity(type_name, row["id"]), relay_posts(row["relay_id"])
    return (entity(type_name, row["id"]),)


def header_value(tags: Iterable[str], separator: str, limit: int) -> str:
    """The tags for a CDN header, coarser when the full list would pass `limit` characters.

    Proxies and CDNs cap header sizes (a few KB), and a relay page can be made of thousands
    of objects. Each object's tag then gives way to its kind's list tag (`Author:7` →
    `authors`), and, if that is still too long, a relay's list to all lists: every write
    that names the fine tag names the coarse one too, so a purge by tag still finds it.
    """
    for level in (_as_is, _kinds, _lists_only):
        value = separator.join(sorted({level(tag) for tag in tags}))
        if len(value) <= limit:
            return value
    return separator.join(sorted(LIST_OF.values()))


def _as_is(tag: str) -> str:
    return tag


def _kinds(tag: str) -> str:
    kind, _, _ = tag.partition(":")
    return LIST_OF.get(kind, tag)


def _lists_only(tag: str) -> str:
    return POSTS if tag.startswith(f"{POSTS}:") else _kinds(tag)


def add(*tags: str) -> None:
    """Record tags for the response being computed (nothing happens outside one)."""
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Collect the tags added while the block runs (tasks started inside share the set)."""
    collected: set[str] = set()
    reset = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(reset)

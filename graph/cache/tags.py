"""Content tags: what a response was made from, so a write can drop exactly what it changed.

While a response is computed, every object the API builds adds its tag (`Post:12`), and every
list adds a list tag that a new member would change (`posts`, `posts:relay:3`, `authors` …).
A lookup that finds nothing adds the list tag of its kind: creating or publishing one drops it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

POSTS = "posts"
RELAYS = "relays"
AUTHORS = "authors"
ORGANIZATIONS = "organizations"
CATEGORIES = "categories"

# The list tag for each kind of object, for lookups that miss.
LIST_OF = {
    "Post": POSTS,
    "Relay": RELAYS,
    "Author": AUTHORS,
    "Organization": ORGANIZATIONS,
    "Category": CATEGORIES,
}

_collected: ContextVar[set[str] | None] = ContextVar("cache_tags", default=None)


def entity(type_name: str, pk: int) -> str:
    """The tag of one object."""
    return f"{type_name}:{pk}"


def relay_posts(relay_id: int) -> str:
    """The tag of everything that depends on one relay's published posts (lists, legs)."""
    return f"posts:relay:{relay_id}"


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

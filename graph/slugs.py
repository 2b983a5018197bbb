"""Unique slugs for new rows: the Danish slug of a title, `-2`, `-3` … on a clash."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from tortoise.models import Model

from graph import db, models
from graph.danish import slugify

FALLBACK = "indlaeg"


def candidates(base: str) -> Iterator[str]:
    """`base`, then `base-2`, `base-3` … for as long as the caller asks."""
    yield base
    for suffix in itertools.count(2):
        yield f"{base}-{suffix}"


async def unique_slug(model: type[Model], text: str, fallback: str) -> str:
    """A slug for `text` that no row of `model` has yet (`fallback` when it has no letters)."""
    base = slugify(text) or fallback
    await _serialize_choice(model, base)
    for candidate in candidates(base):
        if not await model.exists(slug=candidate):
            return candidate
    raise AssertionError("unreachable: candidates() never ends")


async def _serialize_choice(model: type[Model], base: str) -> None:
    """On PostgreSQL, make concurrent choices from the same base slug take turns.

    Without this, parallel transactions all see `base` free, and all but one hit the unique
    index; retrying only moves the race one suffix on, so a burst of N needs N attempts. A
    transaction-scoped advisory lock (released at commit or rollback) lets the next choice run
    only once the previous row is visible, so each gets the next `-N`, as on SQLite, whose
    writers are serialised anyway. Only same-base choices wait for each other.
    """
    if db.dialect() == "postgres":
        key = f"slug:{model._meta.db_table}:{base}"
        await db.connection().execute_query("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


async def unique_post_slug(title: str) -> str:
    """A free post slug for this title (`indlaeg` when the title has no letters or digits)."""
    return await unique_slug(models.Post, title, FALLBACK)

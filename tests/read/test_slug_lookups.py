"""The read layer's slug lookups: many slugs in one statement, live ones before old ones."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest
from fixtures.editing import clear_tagged
from tortoise.transactions import in_transaction

from graph import models
from graph.editing import slug_history
from graph.read.lookups import best_per_slug, previous_slugs, rows_by_slug

Kind = models.SlugKind


def test_a_live_match_beats_an_old_one_whatever_the_row_order() -> None:
    rows = [
        {"id": 1, "slug": "ny", "asked_slug": "gammel", "slug_rank": 1},
        {"id": 2, "slug": "gammel", "asked_slug": "gammel", "slug_rank": 0},
        {"id": 1, "slug": "ny", "asked_slug": "ny", "slug_rank": 0},
    ]
    found = {row["asked_slug"]: row["id"] for row in best_per_slug(rows)}
    assert found == {"gammel": 2, "ny": 1}


@pytest.fixture
async def tag(database: str) -> AsyncIterator[str]:
    tag = f"zz{secrets.token_hex(4)}"
    try:
        yield tag
    finally:
        await clear_tagged(tag)


async def _author(tag: str, name: str) -> models.Author:
    return await models.Author.create(slug=f"{name}-{tag}", name=name, sort_key=name)


async def test_many_slugs_old_and_live_in_one_call(tag: str) -> None:
    a, b = await _author(tag, "a"), await _author(tag, "b")
    async with in_transaction():
        await slug_history.retire(Kind.AUTHOR, a.id, f"gammel-{tag}", a.slug)
        await slug_history.retire(Kind.AUTHOR, b.id, a.slug, b.slug)  # b once had a's slug
    rows = await rows_by_slug("author", [f"gammel-{tag}", a.slug, b.slug, f"ukendt-{tag}"])
    found = {row["asked_slug"]: row["slug"] for row in rows}
    assert found == {f"gammel-{tag}": a.slug, a.slug: a.slug, b.slug: b.slug}


async def test_renaming_back_removes_the_slug_from_the_history(tag: str) -> None:
    a = await _author(tag, "a")
    first, second = a.slug, f"andet-{tag}"
    async with in_transaction():
        await slug_history.retire(Kind.AUTHOR, a.id, first, second)
        await slug_history.retire(Kind.AUTHOR, a.id, second, first)
    rows = await previous_slugs("author", [a.id], 50)
    assert [row["slug"] for row in rows] == [second]


async def test_restore_keeps_an_old_slug_with_the_object_that_has_it(tag: str) -> None:
    a, b = await _author(tag, "a"), await _author(tag, "b")
    async with in_transaction():
        await slug_history.retire(Kind.AUTHOR, a.id, f"gammel-{tag}", a.slug)
        added = await slug_history.restore(
            Kind.AUTHOR, b.id, b.slug, [f"gammel-{tag}", f"andet-{tag}", b.slug]
        )
    assert added == 1
    rows = await previous_slugs("author", [a.id, b.id], 50)
    assert {(row["object_id"], row["slug"]) for row in rows} == {
        (a.id, f"gammel-{tag}"),
        (b.id, f"andet-{tag}"),
    }

"""graph.editing.records: versioned locking, slugs made from names, and writes only on change."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows, write

from graph import models
from graph.editing import records
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound, SlugTaken, VersionConflict


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def test_locking_a_row_needs_the_version_the_caller_saw(rows: Rows) -> None:
    relay = await rows.relay()
    locked = await write(lambda: records.locked(models.Relay, "relay", relay.id, 1))
    assert locked.id == relay.id
    with pytest.raises(VersionConflict) as conflict:
        await write(lambda: records.locked(models.Relay, "relay", relay.id, 2))
    assert conflict.value.current_version == 1
    with pytest.raises(NotFound):
        await write(lambda: records.locked(models.Relay, "relay", -1, 1))


def test_a_slug_is_made_from_the_name_in_danish_spelling() -> None:
    checks = Checks()
    assert records.new_slug(checks, None, "Ærø Kommune") == "aeroe-kommune"
    assert records.new_slug(checks, "givet", "Ærø Kommune") == "givet"
    assert checks.errors == []


def test_a_name_without_letters_needs_a_slug_given() -> None:
    checks = Checks()
    records.new_slug(checks, None, "!!!")
    assert [(e.path, e.code) for e in checks.errors] == [(("slug",), Code.REQUIRED)]


async def test_ids_by_slug_leaves_unknown_slugs_out(rows: Rows) -> None:
    author = await rows.author()
    found = await records.ids_by_slug(models.Author, [author.slug, rows.slug("ingen")])
    assert found == {author.slug: author.id}
    assert await records.ids_by_slug(models.Author, []) == {}


async def test_a_slug_is_free_for_its_own_row_but_not_for_another(rows: Rows) -> None:
    one, two = await rows.category(), await rows.category()
    await records.ensure_free_slug(models.Category, "category", one.slug, one.id)
    with pytest.raises(SlugTaken) as taken:
        await records.ensure_free_slug(models.Category, "category", one.slug, two.id)
    assert taken.value.slug == one.slug


async def test_saving_the_same_values_writes_nothing(rows: Rows) -> None:
    author = await rows.author(name="Anne")
    same = await write(lambda: records.save_changes(author, {"name": "Anne"}))
    assert same.version == 1 and (await models.Author.get(id=author.id)).version == 1


async def test_a_changed_slug_bumps_the_version_and_keeps_the_old_one(rows: Rows) -> None:
    author = await rows.author()
    old, new = author.slug, rows.slug("ny")
    saved = await write(lambda: records.save_changes(author, {"slug": new}))
    assert saved.version == 2 and (await models.Author.get(id=author.id)).slug == new
    assert await models.SlugHistory.exists(kind=models.SlugKind.AUTHOR, slug=old)

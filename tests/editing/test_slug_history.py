"""graph.editing.slug_history: an old slug keeps leading to the object that had it last."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, MAX_BODY, Rows, tagged_rows, write

from graph import models
from graph.editing import posts, slug_history
from graph.read.lookups import rows_by_slug

Kind = slug_history.Kind


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def _old_slugs(kind: Kind, object_id: int) -> set[str]:
    found = await models.SlugHistory.filter(kind=kind, object_id=object_id).values_list(
        "slug", flat=True
    )
    return set(found)


async def test_a_retired_slug_still_finds_the_renamed_object(rows: Rows) -> None:
    author = await rows.author()
    old, new = author.slug, rows.slug("nyt-navn")
    author.slug = new
    await author.save()
    await write(lambda: slug_history.retire(Kind.AUTHOR, author.id, old, new))
    (found,) = await rows_by_slug("author", [old])
    assert (found["id"], found["slug"], found["asked_slug"]) == (author.id, new, old)


async def test_renaming_back_makes_the_old_slug_live_again(rows: Rows) -> None:
    relay = await rows.relay()
    first, second = relay.slug, rows.slug("andet")
    await slug_history.retire(Kind.RELAY, relay.id, first, second)
    await slug_history.retire(Kind.RELAY, relay.id, second, first)
    assert await _old_slugs(Kind.RELAY, relay.id) == {second}


async def test_an_old_slug_leads_to_the_object_that_had_it_last(rows: Rows) -> None:
    one, two = await rows.category(), await rows.category()
    shared = rows.slug("delt")
    await slug_history.retire(Kind.CATEGORY, one.id, shared, one.slug)
    await slug_history.retire(Kind.CATEGORY, two.id, shared, two.slug)
    assert await _old_slugs(Kind.CATEGORY, one.id) == set()
    assert await _old_slugs(Kind.CATEGORY, two.id) == {shared}


async def test_restoring_adds_only_slugs_nobody_keeps_and_is_idempotent(rows: Rows) -> None:
    one, two = await rows.organization(), await rows.organization()
    kept = rows.slug("gammel")
    await slug_history.restore(Kind.ORGANIZATION, one.id, one.slug, [kept])
    fresh = rows.slug("frisk")
    wanted = [kept, fresh, fresh, two.slug]  # one kept by `one`, a repeat, the live slug
    assert await slug_history.restore(Kind.ORGANIZATION, two.id, two.slug, wanted) == 1
    assert await slug_history.restore(Kind.ORGANIZATION, two.id, two.slug, wanted) == 0
    assert await _old_slugs(Kind.ORGANIZATION, two.id) == {fresh}
    assert await _old_slugs(Kind.ORGANIZATION, one.id) == {kept}


async def test_a_post_renamed_by_an_edit_keeps_its_old_slug(rows: Rows) -> None:
    relay = await rows.relay()
    fields = {"title": "Første navn", "slug": rows.slug("foerste")}
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, fields, MAX_BODY))
    new = rows.slug("andet-navn")
    await write(lambda: posts.update_post(ACTOR, draft.id, draft.version, {"slug": new}, MAX_BODY))
    assert await _old_slugs(Kind.POST, draft.id) == {draft.slug}

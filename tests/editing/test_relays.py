"""graph.editing.relays: writing relays and categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows, write

from graph import models
from graph.editing import relays
from graph.editing.errors import Code, NotFound, SlugTaken, ValidationFailed


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def test_a_new_relay_gets_its_slug_from_the_title(rows: Rows) -> None:
    title = f"Stafetten om Ærø {rows.tag}"
    relay = await write(lambda: relays.create_relay({"title": f" {title} ", "intro": None}))
    assert (relay.slug, relay.title) == (f"stafetten-om-aeroe-{rows.tag}", title)
    assert relay.status is models.RelayStatus.ACTIVE and relay.intro == ""


async def test_a_relay_may_not_end_before_it_started(rows: Rows) -> None:
    fields = {
        "title": "Baglæns",
        "slug": rows.slug("baglaens"),
        "startedOn": dt.date(2026, 5, 2),
        "endedOn": dt.date(2026, 5, 1),
    }
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: relays.create_relay(fields))
    assert [(e.path, e.code) for e in refused.value.errors] == [(("endedOn",), Code.INVALID)]
    relay = await rows.relay(started_on=dt.date(2026, 5, 2))
    with pytest.raises(ValidationFailed):  # checked against the stored start, too
        await write(lambda: relays.update_relay(relay.id, 1, {"endedOn": dt.date(2026, 5, 1)}))


async def test_updating_a_relay_with_its_own_values_writes_nothing(rows: Rows) -> None:
    relay = await rows.relay()
    same = await write(lambda: relays.update_relay(relay.id, 1, {"title": f" {relay.title} "}))
    assert same.version == 1
    changed = await write(lambda: relays.update_relay(relay.id, 1, {"status": "ended"}))
    assert changed.version == 2 and changed.status == models.RelayStatus.ENDED


async def test_a_renamed_category_keeps_its_old_slug(rows: Rows) -> None:
    category = await rows.category(name="Klima")
    new = rows.slug("klima-og-miljoe")
    fields = {"slug": new, "name": "Klima og miljø"}
    renamed = await write(lambda: relays.update_category(category.slug, fields))
    assert (renamed.slug, renamed.name) == (new, "Klima og miljø")
    assert await models.SlugHistory.exists(kind=models.SlugKind.CATEGORY, slug=category.slug)


async def test_a_category_is_named_by_a_slug_that_must_exist_and_be_free(rows: Rows) -> None:
    one, two = await rows.category(), await rows.category()
    with pytest.raises(NotFound):
        await write(lambda: relays.update_category(rows.slug("ingen"), {"name": "X"}))
    with pytest.raises(SlugTaken):
        await write(lambda: relays.update_category(two.slug, {"slug": one.slug}))
    with pytest.raises(SlugTaken):
        await write(lambda: relays.create_category("Igen", one.slug))


async def test_the_site_has_room_for_a_bounded_number_of_categories(rows: Rows) -> None:
    await rows.category()  # at least one there already
    await relays.check_room_for_categories(0, ["categories"])
    with pytest.raises(ValidationFailed) as refused:
        await relays.check_room_for_categories(relays.MAX_CATEGORIES, ["categories"])
    (error,) = refused.value.errors
    assert (error.path, error.code) == (("categories",), Code.TOO_MANY)

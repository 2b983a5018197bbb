"""graph.read.lists: relays, authors and organisations keyset paged, ties broken by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows

from graph.read import lists, sql


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _mine(rows: Rows) -> tuple[list[str], list[object]]:
    """Conditions keeping a list to this test's rows (the database holds others')."""
    return ["slug LIKE ?"], [f"%{rows.tag}%"]


def _ids(found: list[sql.Row]) -> list[int]:
    return [row["id"] for row in found]


async def test_relays_are_newest_first_with_unstarted_ones_at_the_top(rows: Rows) -> None:
    old = await rows.relay(started_on=dt.date(2020, 1, 1))
    new = await rows.relay(started_on=dt.date(2024, 1, 1))
    unstarted = await rows.relay()
    conditions, params = _mine(rows)
    found = await lists.page(lists.RELAYS, 10, None, conditions, params)
    assert _ids(found) == [unstarted.id, new.id, old.id]
    assert lists.relay_sort_value(found[1]["sort_value"]) == dt.date(2024, 1, 1)


async def test_a_page_holds_first_plus_one_and_the_cursor_goes_on_from_there(rows: Rows) -> None:
    made = [await rows.relay(started_on=dt.date(2020, 1, day)) for day in range(1, 6)]
    conditions, params = _mine(rows)
    first = await lists.page(lists.RELAYS, 2, None, conditions, params)
    assert _ids(first) == [made[4].id, made[3].id, made[2].id]
    last = first[1]
    after = (lists.relay_sort_value(last["sort_value"]), last["id"])
    rest = await lists.page(lists.RELAYS, 10, after, conditions, params)
    assert _ids(rest) == [made[2].id, made[1].id, made[0].id]
    assert await lists.count(lists.RELAYS, conditions, params) == 5


async def test_authors_are_in_danish_order_and_equal_names_by_id(rows: Rows) -> None:
    aase = await rows.author("Åse")
    bo_one, bo_two = await rows.author("Bo"), await rows.author("Bo")
    aerlig = await rows.author("Ærlig")
    conditions, params = _mine(rows)
    found = await lists.page(lists.AUTHORS, 10, None, conditions, params)
    assert _ids(found) == [bo_one.id, bo_two.id, aerlig.id, aase.id]
    after = (found[1]["sort_value"], found[1]["id"])
    rest = await lists.page(lists.AUTHORS, 10, after, conditions, params)
    assert _ids(rest) == [aerlig.id, aase.id]


async def test_the_status_argument_narrows_relays(rows: Rows) -> None:
    await rows.relay()
    ended = await rows.relay(status="ended")
    conditions, params = _mine(rows)
    status, values = lists.relay_conditions("ended")
    found = await lists.page(lists.RELAYS, 10, None, conditions + status, params + values)
    assert _ids(found) == [ended.id]
    assert lists.relay_conditions(None) == ([], [])

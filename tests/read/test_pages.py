"""graph.read.pages: a page of `first` fetches one row more, which only says more follow."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows

from graph.read import lists
from graph.read.pages import more_follow, rows_to_fetch


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def test_a_page_fetches_one_row_past_its_size() -> None:
    assert [rows_to_fetch(first) for first in (0, 1, 10)] == [1, 2, 11]


def test_one_row_past_the_page_says_more_follow_and_exactly_a_page_does_not() -> None:
    assert more_follow(range(rows_to_fetch(3)), 3)
    assert not more_follow(range(3), 3)
    assert not more_follow([], 0)


async def test_a_read_statement_stops_at_one_row_past_the_page(rows: Rows) -> None:
    for _ in range(5):
        await rows.author()
    mine = ["slug LIKE ?"], [f"%{rows.tag}%"]
    three = await lists.page(lists.AUTHORS, 3, None, *mine)
    five = await lists.page(lists.AUTHORS, 5, None, *mine)
    assert len(three) == rows_to_fetch(3) and more_follow(three, 3)
    assert len(five) == 5 and not more_follow(five, 5)

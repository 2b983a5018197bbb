"""`Relay.baton` costs the same number of SQL statements for a page of 2 relays as for 6."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from baton_desk import address, passed
from conftest import GraphQL, StatementCounter
from fixtures import editing
from fixtures.editing import Desk

from graph import clock

RELAYS_WITH_BATONS = """query ($first: Int!) { relays(first: $first) { edges { node {
  slug baton { state dueOn author { name email } relay { slug } post { slug title } } } } } }"""


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def counted(editor: GraphQL, statements: StatementCounter, first: int) -> tuple[int, Any]:
    statements.statements.clear()
    data = await editor.data(RELAYS_WITH_BATONS, first=first)
    # Token bookkeeping (last_used_at) is not part of the query's cost.
    content = [s for s in statements.statements if "api_token" not in s]
    return len(content), data["relays"]["edges"]


async def test_relay_batons_are_loaded_in_one_batch(
    desk: Desk, editor: GraphQL, sql_statements: StatementCounter
) -> None:
    due = clock.today() + dt.timedelta(days=10)
    for index in range(6):
        # Relays without a start date list first, newest first: these six lead the list.
        relay = await desk.relay()
        holder = await desk.author(email=address(desk, f"holder{index}"))
        await passed(desk, relay, holder, due)
        if index % 2:
            await desk.published(relay, bylines=[{"author": holder["slug"]}])
    small_count, small = await counted(editor, sql_statements, 2)
    large_count, large = await counted(editor, sql_statements, 6)
    states = [edge["node"]["baton"]["state"] for edge in large]
    assert states == ["HANDED_ON", "HELD"] * 3
    assert [edge["node"]["baton"]["post"] is not None for edge in small] == [True, False]
    assert small_count == large_count, sql_statements.statements

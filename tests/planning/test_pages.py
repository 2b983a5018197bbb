"""graph.planning.pages: a connection's pages for many parents at once, as plan rows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import StatementCounter
from fixtures.units import SETTINGS, Rows, tagged_rows

from graph.planning import pages
from graph.planning.nodes import Request
from graph.read.access import ANONYMOUS, EDITOR
from graph.read.posts import Scope

PAGE = {"first": 2, "after": None, "filter": None}


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _request() -> Request:
    return Request(ANONYMOUS, None, SETTINGS)


async def test_post_pages_give_each_parent_its_page_in_parent_order(rows: Rows) -> None:
    one, two = await rows.relay(), await rows.relay()
    mine = await rows.published(one, 3)
    request = _request()
    source = pages.post_pages(Scope.RELAY, counted=True)
    second, first = await source([{"id": two.id}, {"id": one.id}], PAGE, request)
    assert [edge["node"]["id"] for edge in first["edges"]] == [mine[2].id, mine[1].id]
    assert (first["has_next"], first["has_previous"], first["count"]) == (True, False, 3)
    assert (second["edges"], second["has_next"], second["count"]) == ([], False, 0)
    assert second["start"] is None and first["start"] == first["edges"][0]["cursor"]
    # Both relays' lists tag the answer, and each shown post (not the extra one) too.
    assert {f"posts:relay:{one.id}", f"posts:relay:{two.id}", f"Post:{mine[2].id}"} <= (
        request.tags
    )
    assert f"Post:{mine[0].id}" not in request.tags


async def test_pages_of_many_parents_take_one_statement_and_one_count(
    rows: Rows, sql_statements: StatementCounter
) -> None:
    relays = [await rows.relay() for _ in range(4)]
    for relay in relays:
        await rows.published(relay, 2)
    parents = [{"id": relay.id} for relay in relays]
    sql_statements.statements.clear()
    found = await pages.post_pages(Scope.RELAY, counted=True)(parents, PAGE, _request())
    assert [page["count"] for page in found] == [2, 2, 2, 2]
    assert len(sql_statements.statements) == 2


async def test_a_page_not_asked_to_count_does_not(rows: Rows) -> None:
    relay = await rows.relay()
    await rows.published(relay, 1)
    (page,) = await pages.post_pages(Scope.RELAY, counted=False)(
        [{"id": relay.id}], PAGE, _request()
    )
    assert page["count"] is None and len(page["edges"]) == 1


async def test_drafts_reach_a_page_only_for_editors(rows: Rows) -> None:
    relay = await rows.relay()
    draft = await rows.post(relay)
    source = pages.post_pages(Scope.RELAY, counted=True)
    (anonymous,) = await source([{"id": relay.id}], PAGE, _request())
    (editor,) = await source([{"id": relay.id}], PAGE, Request(EDITOR, None, SETTINGS))
    assert anonymous["count"] == 0
    assert [edge["node"]["id"] for edge in editor["edges"]] == [draft.id]

"""graph.planning.sources: each source fetches for every parent of a level at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import StatementCounter
from fixtures.units import SETTINGS, Rows, tagged_rows

from graph.editing import slug_history
from graph.planning import sources
from graph.planning.nodes import Request
from graph.read.access import ANONYMOUS

PAGE = {"first": 2, "after": None, "filter": None}


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _request() -> Request:
    return Request(ANONYMOUS, None, SETTINGS)


async def test_a_to_one_row_is_fetched_once_per_request(
    rows: Rows, sql_statements: StatementCounter
) -> None:
    relay = await rows.relay()
    parents = [{"relay_id": relay.id}, {"relay_id": relay.id}, {"relay_id": None}]
    source, request = sources.by_id("relay", "relay_id"), _request()
    sql_statements.statements.clear()
    found = await source(parents, {}, request)
    assert [row and row["slug"] for row in found] == [relay.slug, relay.slug, None]
    await source(parents, {}, request)  # the same rows again: from the request's memo
    assert len(sql_statements.statements) == 1


async def test_a_joined_row_is_read_from_the_parent_not_fetched(
    sql_statements: StatementCounter,
) -> None:
    source = sources.joined("relay", sources.by_id("relay", "relay_id"))
    sql_statements.statements.clear()
    found = await source([{"relay": {"id": 1}}, {"relay": None}], {}, _request())
    assert found == [{"id": 1}, None]
    assert sql_statements.statements == []


async def test_a_find_by_an_old_slug_depends_on_its_kinds_list(rows: Rows) -> None:
    author = await rows.author()
    old = rows.slug("gammel")
    await slug_history.retire(slug_history.Kind.AUTHOR, author.id, old, author.slug)
    source = sources.by_slug("Author")
    live, by_old = _request(), _request()
    assert (await source([{}], {"slug": author.slug}, live))[0]["id"] == author.id
    assert (await source([{}], {"slug": old}, by_old))[0]["id"] == author.id
    # Another author may take the old slug: the answer then changes with the list.
    assert "authors" not in live.tags and "authors" in by_old.tags


async def test_previous_slugs_are_plain_lists_per_parent_newest_first(rows: Rows) -> None:
    relay, bare = await rows.relay(), await rows.relay()
    older, newer = rows.slug("aeldre"), rows.slug("nyere")
    await slug_history.retire(slug_history.Kind.RELAY, relay.id, older, newer)
    await slug_history.retire(slug_history.Kind.RELAY, relay.id, newer, relay.slug)
    source = sources.previous_slugs("relay")
    found = await source([{"id": bare.id}, {"id": relay.id}], {}, _request())
    assert found == [[], [newer, older]]

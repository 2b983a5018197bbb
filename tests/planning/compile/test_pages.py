"""graph.planning.compile.pages: connections written by PostgreSQL, page info and cursors too.

Each answer is checked for what it says, and against the interpreter's for the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, both_ways, planned, tagged_rows

from graph.planning import compile
from graph.request.errors import ClientError


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    if not database.startswith("psycopg"):
        pytest.skip("the compiler writes PostgreSQL; SQLite runs plans level by level")
    async with tagged_rows() as rows:
        yield rows


RELAY_POSTS = """query ($slug: String!, $first: Int!, $after: String) {
  relay(slug: $slug) { posts(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug } } } } }"""


async def test_a_page_is_newest_first_and_says_more_follow(rows: Rows) -> None:
    relay = await rows.relay()
    made = await rows.published(relay, 3)
    found = await both_ways(planned(RELAY_POSTS, slug=relay.slug, first=2))
    posts = found.compiled["relay"]["posts"]
    assert [edge["node"]["slug"] for edge in posts["edges"]] == [made[2].slug, made[1].slug]
    info = posts["pageInfo"]
    assert (posts["totalCount"], info["hasNextPage"], info["hasPreviousPage"]) == (3, True, False)
    assert info["endCursor"] == posts["edges"][-1]["cursor"]
    assert f"posts:relay:{relay.id}" in found.compiled_tags
    assert f"Post:{made[0].id}" not in found.compiled_tags  # the extra row is not shown
    assert (found.compiled, found.compiled_tags) == (found.interpreted, found.interpreted_tags)


async def test_the_end_cursor_leads_to_the_next_page(rows: Rows) -> None:
    relay = await rows.relay()
    made = await rows.published(relay, 3)
    first = await both_ways(planned(RELAY_POSTS, slug=relay.slug, first=2))
    after = first.compiled["relay"]["posts"]["pageInfo"]["endCursor"]
    found = await both_ways(planned(RELAY_POSTS, slug=relay.slug, first=2, after=after))
    posts = found.compiled["relay"]["posts"]
    assert [edge["node"]["slug"] for edge in posts["edges"]] == [made[0].slug]
    assert posts["pageInfo"]["hasPreviousPage"] and not posts["pageInfo"]["hasNextPage"]
    assert found.interpreted == found.compiled


async def test_an_empty_page_has_no_cursors(rows: Rows) -> None:
    relay = await rows.relay()
    found = await both_ways(planned(RELAY_POSTS, slug=relay.slug, first=2))
    posts = found.compiled["relay"]["posts"]
    assert posts["edges"] == [] and posts["totalCount"] == 0
    assert posts["pageInfo"]["startCursor"] is None is posts["pageInfo"]["endCursor"]
    assert found.interpreted == found.compiled


async def test_contributors_are_listed_by_their_first_leg(rows: Rows) -> None:
    relay = await rows.relay()
    late, early = await rows.author("Bo"), await rows.author("Anne")
    await rows.post(relay, published_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC), authors=(late,))
    await rows.post(relay, published_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), authors=(early,))
    document = """query ($slug: String!) { relay(slug: $slug) {
      contributors(first: 5) { totalCount edges { node { name } } } } }"""
    found = await both_ways(planned(document, slug=relay.slug))
    contributors = found.compiled["relay"]["contributors"]
    assert [edge["node"]["name"] for edge in contributors["edges"]] == ["Anne", "Bo"]
    assert contributors["totalCount"] == 2
    assert found.interpreted == found.compiled


async def test_a_bad_page_size_is_refused_before_the_statement_runs(rows: Rows) -> None:
    relay = await rows.relay()
    made = planned(RELAY_POSTS, slug=relay.slug, first=-1)
    with pytest.raises(ClientError):
        compile.statement_of(made.plan, made.request())

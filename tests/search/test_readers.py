"""Search as readers use it on the demo relay: syntax, counts, facets, highlights, scores."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, letters

from graph.app import create_app
from graph.clock import COPENHAGEN
from graph.settings import Settings

HITS = """
query ($query: String!, $first: Int = 100, $after: String) {
  search(query: $query, first: $first, after: $after) {
    totalCount totalCountIsExact
    pageInfo { hasNextPage endCursor }
    edges { score node { slug publishedAt relay { slug } category { slug } } }
  }
}
"""
FACETS = """
query ($query: String!) {
  search(query: $query, first: 0) {
    totalCount totalCountIsExact
    facets {
      categories(first: 100) { category { slug } count }
      relays(first: 100) { relay { slug } count }
      years(first: 100) { year count }
    }
  }
}
"""
HIGHLIGHTS = """
query ($query: String!) {
  search(query: $query, first: 5) { edges { node { slug } highlights { title teaser body } } }
}
"""


async def hits(gql: GraphQL, query: str) -> list[dict[str, Any]]:
    """Every hit of a search, page after page, in rank order."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await gql.data(HITS, query=query, after=after))["search"]
        found += [edge for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def slugs(gql: GraphQL, query: str) -> set[str]:
    return {edge["node"]["slug"] for edge in await hits(gql, query)}


PAIRS = ("giver mening", "elevernes læring", "offentlige ledelse", "skriver direktør")


async def test_a_phrase_finds_only_posts_with_the_words_side_by_side(gql: GraphQL) -> None:
    narrower = []
    for pair in PAIRS:
        scattered, phrase = await slugs(gql, pair), await slugs(gql, f'"{pair}"')
        assert phrase <= scattered, pair
        narrower.append(bool(phrase) and phrase < scattered)
    assert any(narrower)  # at least one pair is written apart somewhere


async def test_minus_leaves_out_posts_with_the_word(gql: GraphQL) -> None:
    with_both = await slugs(gql, "ledelse")
    excluded = await slugs(gql, "kommune")
    assert with_both & excluded and with_both - excluded
    assert await slugs(gql, "ledelse -kommune") == with_both - excluded


async def test_or_finds_posts_with_either_word(gql: GraphQL) -> None:
    one, other = await slugs(gql, "tillidsreformen"), await slugs(gql, "børnesager")
    assert one and other and not one >= other
    assert await slugs(gql, "tillidsreformen or børnesager") == one | other
    assert await slugs(gql, "tillidsreformen OR børnesager") == one | other


async def test_a_prefix_finds_what_the_reader_is_still_typing(gql: GraphQL) -> None:
    whole = await slugs(gql, "tillidsreformen")
    assert whole <= await slugs(gql, "tillidsr*")
    assert await slugs(gql, "børnesa*") == await slugs(gql, "børnesager")
    assert not await slugs(gql, "tillidsr")  # without the star it is a word nobody wrote


async def test_scores_never_rise_down_the_list(gql: GraphQL) -> None:
    scores = [edge["score"] for edge in await hits(gql, "ledelse")]
    assert len(set(scores)) > 1
    assert scores == sorted(scores, reverse=True)


@pytest.fixture
async def count_limit(settings: Settings) -> AsyncIterator[Callable[[int], GraphQL]]:
    """A client on an app made with SEARCH_COUNT_LIMIT set to the limit asked for."""
    opened: list[httpx.AsyncClient] = []

    def at_limit(limit: int) -> GraphQL:
        app = create_app(settings.model_copy(update={"search_count_limit": limit}))
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        opened.append(http)
        return GraphQL(http)

    yield at_limit
    for http in opened:
        await http.aclose()


@pytest.mark.parametrize(("limit", "shown", "exact"), [(3, 3, True), (2, 2, False), (1, 1, False)])
async def test_total_count_is_exact_up_to_the_limit(
    database: str, count_limit: Callable[[int], GraphQL], limit: int, shown: int, exact: bool
) -> None:
    gql = count_limit(limit)
    # A comment per limit: the response cache keys on the text, and the limit is not in it.
    document = f"# limit {limit}\n{HITS}"
    found = (await gql.data(document, query="tillidsreformen"))["search"]
    assert len(found["edges"]) == 3  # the page itself is not cut
    assert (found["totalCount"], found["totalCountIsExact"]) == (shown, exact)


def _year(published_at: str) -> int:
    return dt.datetime.fromisoformat(published_at).astimezone(COPENHAGEN).year


@pytest.mark.parametrize("query", ["ledelse", "kommune or region", "tillids*", "barn -ledelse"])
async def test_facet_counts_equal_a_count_of_every_hit(gql: GraphQL, query: str) -> None:
    every = [edge["node"] for edge in await hits(gql, query)]
    facets = (await gql.data(FACETS, query=query))["search"]
    assert facets["totalCount"] == len(every) and facets["totalCountIsExact"]
    counted = facets["facets"]
    assert {row["category"]["slug"]: row["count"] for row in counted["categories"]} == Counter(
        node["category"]["slug"] for node in every if node["category"]
    )
    assert {row["relay"]["slug"]: row["count"] for row in counted["relays"]} == Counter(
        node["relay"]["slug"] for node in every
    )
    years = [(row["year"], row["count"]) for row in counted["years"]]
    assert years == sorted(
        Counter(_year(node["publishedAt"]) for node in every).items(), reverse=True
    )


async def test_facets_past_the_limit_count_that_many_hits(
    database: str, count_limit: Callable[[int], GraphQL]
) -> None:
    gql = count_limit(4)
    facets = (await gql.data(f"# limited\n{FACETS}", query="ledelse"))["search"]
    assert facets["totalCountIsExact"] is False
    assert sum(row["count"] for row in facets["facets"]["relays"]) == 4


async def test_highlights_mark_matched_words_in_escaped_text(gql: GraphQL) -> None:
    (edge, *_) = (await gql.data(HIGHLIGHTS, query="børnesager"))["search"]["edges"]
    marked = edge["highlights"]
    assert "<mark>børnesager</mark>" in marked["title"]
    assert marked["body"] and all("<mark>" in passage for passage in marked["body"])
    assert len(marked["body"]) <= 3


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def test_highlights_never_carry_a_posts_html(gql: GraphQL, desk: Desk) -> None:
    word = letters()
    hostile = f'<script>alert(1)</script> {word} <img src=x onerror="alert(2)"> & "{word}"'
    relay = await desk.relay()
    await desk.published(
        relay, title=f"{word} <b>fed</b>", teaser=hostile, body=f"{hostile}\n\n<i>{word}</i> x"
    )
    (edge,) = (await gql.data(HIGHLIGHTS, query=word))["search"]["edges"]
    marked = edge["highlights"]
    for text in [marked["title"], marked["teaser"], *marked["body"]]:
        assert f"<mark>{word}</mark>" in text
        assert not re.search(r"<(?!/?mark>)", text), text  # no tag but <mark>
    assert "&amp; &quot;" in marked["teaser"]  # escaped, not dropped

"""Full-text search as a frontend sees it: matches, ranking, paging and odd input."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import GraphQL, StatementCounter

SEARCH = """
query ($query: String!, $first: Int = 20, $after: String, $category: String) {
  search(query: $query, first: $first, after: $after, filter: {category: $category}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { title } }
  }
}
"""

TILLID_TITLES = {
    "Tillidsreform og New Public Management er ikke modsætninger",
    "De planter tillidsreform uden for papiret",
}
KOEBENHAVN = "Topleder i Københavns Kommune: Opgaverne skal løses tæt på borgeren"
ESBJERG = "Esbjerg tog hårdt fat efter flere kritiske børnesager: Nyt paradigme sætter retningen"
BARNDOM = "Et barn har kun en barndom: Vi har et etisk ansvar for at vide, hvad vi gør"


async def _search(gql: GraphQL, query: str, **variables: Any) -> dict[str, Any]:
    data = await gql.data(SEARCH, query=query, **variables)
    result: dict[str, Any] = data["search"]
    return result


def _titles(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in result["edges"]]


async def test_title_matches_rank_above_a_teaser_match(gql: GraphQL) -> None:
    result = await _search(gql, "tillidsreformen")
    titles = _titles(result)
    assert result["totalCount"] == 3
    assert set(titles[:2]) == TILLID_TITLES
    assert titles[2] == KOEBENHAVN  # only its teaser says "tillidsreformen"


async def test_title_weighting_holds_for_another_word(gql: GraphQL) -> None:
    titles = _titles(await _search(gql, "barn"))
    assert set(titles[:2]) == {BARNDOM, "Tværfaglig ledelse der skaber sammenhæng for barnet"}
    assert titles[2:] == [ESBJERG]  # "barnets" in the teaser only


@pytest.mark.parametrize("query", ["børnesager", "børnesag", "Børnesager"])
async def test_stemming_finds_inflected_forms(gql: GraphQL, query: str) -> None:
    assert _titles(await _search(gql, query)) == [ESBJERG]


async def test_danish_letters_are_kept(gql: GraphQL) -> None:
    assert _titles(await _search(gql, "Mødrehjælpen barn")) == [BARNDOM]


@pytest.mark.parametrize("query", ["Moedrehjaelpen", "Modrehjalpen", "boernesager"])
async def test_ascii_spellings_of_danish_letters_do_not_match(gql: GraphQL, query: str) -> None:
    assert (await _search(gql, query))["totalCount"] == 0


async def test_every_word_must_match(gql: GraphQL) -> None:
    assert (await _search(gql, "børnesager"))["totalCount"] == 1
    assert (await _search(gql, "tillidsreformen"))["totalCount"] == 3
    result = await _search(gql, "tillidsreformen børnesager")
    assert result["totalCount"] == 0
    assert result["edges"] == []


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
async def test_blank_query_is_a_clear_error(gql: GraphQL, query: str) -> None:
    body = await gql(SEARCH, query=query)
    assert body["data"] is None
    (error,) = body["errors"]
    assert "`query`" in error["message"]
    assert error["path"] == ["search"]


async def test_stop_words_only_find_nothing(gql: GraphQL) -> None:
    result = await _search(gql, "og i det")
    assert result["totalCount"] == 0
    assert result["edges"] == []
    assert result["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_category_filter_narrows_search(gql: GraphQL) -> None:
    assert (await _search(gql, "barn"))["totalCount"] == 3
    assert _titles(await _search(gql, "barn", category="politik")) == [BARNDOM]
    assert (await _search(gql, "tillidsreformen", category="velfaerd"))["totalCount"] == 0


async def test_paging_one_at_a_time_matches_one_page(gql: GraphQL) -> None:
    whole = _titles(await _search(gql, "tillidsreformen", first=3))
    walked: list[str] = []
    after = None
    for expected_more in (True, True, False):
        page = await _search(gql, "tillidsreformen", first=1, after=after)
        assert page["totalCount"] == 3
        assert page["pageInfo"]["hasNextPage"] is expected_more
        walked += _titles(page)
        after = page["pageInfo"]["endCursor"]
    assert walked == whole
    assert len(whole) == 3


async def test_garbage_cursor_is_a_clear_error(gql: GraphQL) -> None:
    body = await gql(SEARCH, query="tillidsreformen", after="not a cursor")
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Invalid cursor 'not a cursor'."


@pytest.mark.parametrize(
    "query",
    [
        '"tillidsreformen"',
        '"tillidsreformen',
        "tillidsreformen*",
        "(tillidsreformen)",
        "^tillidsreformen",
        "{tillidsreformen}",
        "tillidsreformen & | ! <-> :*",
        "tillidsreformen\x00",
    ],
)
async def test_search_syntax_characters_are_ignored(gql: GraphQL, query: str) -> None:
    assert (await _search(gql, query))["totalCount"] == 3


@pytest.mark.parametrize(
    "query",
    [
        "NOT tillidsreformen",
        "tillidsreformen AND",
        "NEAR(tillidsreformen",
        "title:tillidsreformen",
    ],
)
async def test_search_operators_are_plain_words(gql: GraphQL, query: str) -> None:
    # The operator or column name is one more word that must match, and none of the three
    # tillidsreform posts contains it: no hits, and no syntax error.
    assert (await _search(gql, query))["totalCount"] == 0


@pytest.mark.parametrize("query", ['""', "*", "()", "-", "\x00", "tillid\x00reform"])
async def test_punctuation_only_queries_find_nothing_without_error(
    gql: GraphQL, query: str
) -> None:
    assert (await _search(gql, query))["edges"] == []


async def test_a_search_within_the_caps_is_searched(gql: GraphQL) -> None:
    once = await _search(gql, "tillidsreform")
    sixteen = await _search(gql, " ".join(["tillidsreform"] * 14))
    assert _titles(sixteen) == _titles(once) != []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (" ".join(["ledelse"] * 17), "at most 16 words; got 17"),
        ("ledelse " * 5_000, "at most 200 characters long; got 40000"),
        ("ø" * 201, "at most 200 characters long; got 201"),
    ],
)
async def test_a_search_past_the_caps_is_refused_before_any_sql(
    gql: GraphQL, sql_statements: StatementCounter, query: str, message: str
) -> None:
    sql_statements.statements.clear()
    body = await gql(SEARCH, query=query)
    (error,) = body["errors"]
    assert message in error["message"]
    assert body["data"] is None
    assert sql_statements.statements == []


async def test_health_answers_while_huge_searches_are_refused(
    client: httpx.AsyncClient, gql: GraphQL
) -> None:
    # 5,000 words, and one 9 MB word: before the caps these held the event loop for seconds.
    hostile = [" ".join(["ledelse"] * 5_000), "x" * 9_000_000]
    answers = await asyncio.gather(
        *(gql(SEARCH, query=query) for query in hostile), client.get("/healthz")
    )
    *refused, health = answers
    assert [len(body["errors"]) for body in refused] == [1, 1]
    assert health.status_code == 200

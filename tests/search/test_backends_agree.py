"""SQLite and PostgreSQL find the same posts, at the same scores, for every kind of query.

Runs in the PostgreSQL run: the test database there is PostgreSQL, and a real `graph serve`
on a fresh SQLite file (which loads the same demo relay) is the other side.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures.processes import serving

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="compares with PostgreSQL: the PG run only"
)

QUERIES = (
    "tillidsreformen",
    "ledelse",
    "ledelse kommune",
    "offentlige ledelse",
    '"offentlige ledelse"',
    '"giver mening"',
    '"tillid og ansvar',
    "ledelse -kommune",
    "-ledelse",
    "tillidsreformen or børnesager",
    "kommune OR region ledelse",
    "tillidsr*",
    "børnesa*",
    "for*",
    "og i at",
    "Københavns",
    "æøå ÆØÅ",
    "børnesager",
    "BØRNESAGER",
    'tillid & | ! <-> :* "(',
    "covid-19",
    "x* -* -- **",
)
HITS = """
query ($query: String!) {
  # The demo relay only: other tests add posts to the PostgreSQL side.
  search(query: $query, first: 100, filter: {relay: "lederskabs-stafetten"}) {
    totalCount totalCountIsExact
    edges { score node { slug } }
    facets { categories { category { slug } count } years { year count } }
  }
}
"""


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("sqlite-search")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{folder / 'graph.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    with serving(env, folder / "serve.log") as base:
        yield f"{base}/graphql"


def _hits(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    found = body["data"]["search"]
    return {
        "count": (found["totalCount"], found["totalCountIsExact"]),
        "scores": {edge["node"]["slug"]: edge["score"] for edge in found["edges"]},
        "facets": found["facets"],
    }


@pytest.mark.parametrize("query", QUERIES)
async def test_both_backends_find_the_same_posts(
    gql: GraphQL, sqlite_server: str, query: str
) -> None:
    postgres = _hits(await gql(HITS, query=query))
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            sqlite_server, json={"query": HITS, "variables": {"query": query}}
        )
    sqlite = _hits(response.json())
    assert sqlite == postgres

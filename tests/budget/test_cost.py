"""Every operation is priced before it runs: named operations pass, amplifiers are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GraphQL, StatementCounter
from fixtures.pricing import price

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"

# Each named operation's worst case at its default variables, worked out by hand: a connection
# counts 1, its pageInfo 1, each of `first` edges 1 and its node 1; a to-one object 1; bylines
# hold at most 20 and affiliations at most 50 (write rules).
BYLINE = 1 + 1 + 1  # the byline, its author, its organisation
BYLINES = 20 * BYLINE
HAND_COUNTED = {
    # post, category, relay, bylines, previous, next
    "PostPage": 1 + 1 + 1 + BYLINES + 1 + 1,
    # author, affiliations with their organisation, posts connection and pageInfo,
    # 10 x (edge, node, relay, category)
    "AuthorPage": 1 + 50 * 2 + 1 + 1 + 10 * 4,
    # connection, pageInfo, 10 x (edge, node, relay, bylines)
    "Search": 1 + 1 + 10 * (1 + 1 + 1 + BYLINES),
    # connection, pageInfo, 10 x (edge, highlights, node, relay), facets and the scan behind
    # them (SEARCH_COUNT_LIMIT / 100), 10 x (bucket, category), 10 x (bucket, relay), 10 years
    "SearchWithFacets": 1 + 1 + 10 * 4 + 1 + 100 + 10 * 2 + 10 * 2 + 10,
    # category, connection, pageInfo, 10 x (edge, node, relay, bylines)
    "CategoryPage": 1 + 1 + 1 + 10 * (1 + 1 + 1 + BYLINES),
    # relays connection, pageInfo, 10 x (edge, node, posts connection,
    # 10 x (edge, node, category, bylines))
    "RelaysWithPosts": 1 + 1 + 10 * (1 + 1 + 1 + 10 * (1 + 1 + 1 + BYLINES)),
    # relay, contributors connection with 20 x (edge, node), posts connection, pageInfo,
    # 10 x (edge, node, category, bylines)
    "RelayPage": 1 + 1 + 20 * 2 + 1 + 1 + 10 * (1 + 1 + 1 + BYLINES),
    # organisation, authors connection with 20 x (edge, node, 50 affiliations with their
    # organisation), posts connection, pageInfo, 10 x (edge, node, relay, 20 x (byline, author))
    "OrganizationPage": 1 + 1 + 20 * (1 + 1 + 50 * 2) + 1 + 1 + 10 * (1 + 1 + 1 + 20 * 2),
}
VARIABLES = {"slug": "lederskabs-stafetten", "query": "ledelse"}
LIMIT = 50_000


def operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


def test_every_named_operation_is_counted_by_hand() -> None:
    assert sorted(HAND_COUNTED) == sorted(path.stem for path in OPERATIONS.glob("*.graphql"))


@pytest.mark.parametrize("name", sorted(HAND_COUNTED))
async def test_named_operation_reports_its_cost(gql: GraphQL, name: str) -> None:
    body = await gql(operation(name), **VARIABLES)
    assert "errors" not in body, body
    priced = price(operation(name), **VARIABLES)
    assert priced.objects == HAND_COUNTED[name]
    # Its bytes are the worst case of the write rules: far more than the demo's answer.
    assert priced.bytes > 20 * len(json.dumps(body).encode())
    assert body["extensions"]["cost"] == {"requested": priced.cost, "limit": LIMIT}


def amplifier(aliases: int) -> str:
    """Posts of the posts' relays' posts, 100 at a time, under many aliases (4.6 KB)."""
    level = "posts(first: 100) {{ edges {{ node {{ title relay {{ {inner} }} }} }} }}"
    nested = level.format(
        inner=level.format(inner="posts(first: 100) { edges { node { title } } }")
    )
    return "{ " + " ".join(f"a{index}: {nested}" for index in range(aliases)) + " }"


def refused(body: dict[str, object], objects: int) -> None:
    """Refused as too costly, with the hand-counted objects in the price."""
    assert body["data"] is None
    (error,) = body["errors"]  # type: ignore[misc]
    cost = body["extensions"]["cost"]["requested"]  # type: ignore[index]
    assert cost > objects
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": LIMIT}
    assert f"could cost {cost} ({objects} objects, " in error["message"]
    assert f"the limit is {LIMIT}" in error["message"]
    assert body["extensions"]["cost"] == {"requested": cost, "limit": LIMIT}  # type: ignore[index]


async def test_amplification_is_refused_before_any_sql(
    gql: GraphQL, sql_statements: StatementCounter
) -> None:
    # per alias: a connection, 100 x (edge, node, relay, connection, 100 x (edge, node,
    # relay, connection, 100 x (edge, node)))
    one = 1 + 100 * (1 + 1 + 1 + 1 + 100 * (1 + 1 + 1 + 1 + 100 * 2))
    sql_statements.statements.clear()
    body = await gql(amplifier(30))
    refused(body, 30 * one)
    assert sql_statements.statements == []


async def test_fragment_spreads_cannot_hide_the_cost(
    gql: GraphQL, sql_statements: StatementCounter
) -> None:
    document = """
      { posts(first: 100) { edges { node { ...Deep } } } }
      fragment Deep on Post { relay { posts(first: 100) { edges { node { ...Deeper } } } } }
      fragment Deeper on Post { relay { posts(first: 100) { edges { node { title } } } } }
    """
    per_deeper = 1 + 1 + 100 * 2  # relay, connection, 100 x (edge, node)
    per_deep = 1 + 1 + 100 * (2 + per_deeper)
    sql_statements.statements.clear()
    body = await gql(document)
    refused(body, 1 + 100 * (2 + per_deep))
    assert sql_statements.statements == []


async def test_cost_follows_variables_and_directives(gql: GraphQL) -> None:
    document = """
      query Q($first: Int = 5, $withBylines: Boolean!) {
        posts(first: $first) {
          edges { node { title bylines @include(if: $withBylines) { role } } }
        }
      }
    """
    plain = await gql(document, withBylines=False)
    assert price(document, withBylines=False).objects == 1 + 5 * 2
    assert plain["extensions"]["cost"]["requested"] == price(document, withBylines=False).cost
    bylined = await gql(document, first=3, withBylines=True)
    assert price(document, first=3, withBylines=True).objects == 1 + 3 * (2 + 20)
    expected = price(document, first=3, withBylines=True).cost
    assert bylined["extensions"]["cost"]["requested"] == expected


async def test_a_page_size_out_of_range_keeps_its_own_error(gql: GraphQL) -> None:
    body = await gql("{ posts(first: 1000000) { edges { node { title } } } }")
    (error,) = body["errors"]
    assert "`first` must be between 0 and 100" in error["message"]


async def test_a_mutation_has_a_cost(gql: GraphQL) -> None:
    document = 'mutation { unsubscribe(input: {token: "nonsense"}) { __typename } }'
    body = await gql(document)
    assert price(document).objects == 10 + 1  # the write, and its answer
    assert body["extensions"]["cost"]["requested"] == price(document).cost

"""Hostile or malformed requests are refused cheaply, with errors a client can act on."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from conftest import GraphQL, StatementCounter
from graphql import GraphQLError

from graph.request.errors import MASKED_MESSAGE, ClientError, should_mask

# Each paginated field with `first`/`after` as variables, and the response path to it.
PAGED_FIELDS = {
    "posts": ("posts(first: $first, after: $after) { totalCount }", ["posts"]),
    "relays": ("relays(first: $first, after: $after) { totalCount }", ["relays"]),
    "authors": ("authors(first: $first, after: $after) { totalCount }", ["authors"]),
    "organizations": (
        "organizations(first: $first, after: $after) { totalCount }",
        ["organizations"],
    ),
    "search": (
        'search(query: "tillidsreformen", first: $first, after: $after) { totalCount }',
        ["search"],
    ),
    "relay.posts": (
        'relay(slug: "lederskabs-stafetten") '
        "{ posts(first: $first, after: $after) { totalCount } }",
        ["relay", "posts"],
    ),
    "relay.contributors": (
        'relay(slug: "lederskabs-stafetten") '
        "{ contributors(first: $first, after: $after) { totalCount } }",
        ["relay", "contributors"],
    ),
    "organization.authors": (
        'organization(slug: "moedrehjaelpen") '
        "{ authors(first: $first, after: $after) { totalCount } }",
        ["organization", "authors"],
    ),
}


def _paged(field: str) -> tuple[str, list[str]]:
    selection, path = PAGED_FIELDS[field]
    return f"query ($first: Int!, $after: String) {{ {selection} }}", path


def _cursor(value: Any) -> str:
    """A well-formed cursor (base64 JSON) that the API never handed out."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _only_error(body: dict[str, Any]) -> str:
    (error,) = body["errors"]
    assert error["message"] != MASKED_MESSAGE
    message: str = error["message"]
    return message


@pytest.mark.parametrize("field", PAGED_FIELDS)
@pytest.mark.parametrize("first", [101, -1])
async def test_page_size_out_of_range_is_refused(gql: GraphQL, field: str, first: int) -> None:
    query, path = _paged(field)
    body = await gql(query, first=first)
    assert _only_error(body) == f"`first` must be between 0 and 100; got {first}."
    assert body["errors"][0]["path"] == path
    # No data for the field: a top-level field is null, a nested one nulls its parent.
    assert body["data"] == (None if len(path) == 1 else {path[0]: None})


@pytest.mark.parametrize("field", PAGED_FIELDS)
async def test_page_size_100_is_allowed(gql: GraphQL, field: str) -> None:
    query, path = _paged(field)
    data = await gql.data(query, first=100)
    assert isinstance(data[path[0]], dict)


@pytest.mark.parametrize("field", PAGED_FIELDS)
@pytest.mark.parametrize(
    "cursor", ["not-a-cursor!", "", _cursor({"a": 1}), _cursor(["x", "y"]), _cursor([1, 2, 3])]
)
async def test_foreign_cursor_is_invalid_cursor(gql: GraphQL, field: str, cursor: str) -> None:
    query, path = _paged(field)
    body = await gql(query, first=1, after=cursor)
    assert _only_error(body) == f"Invalid cursor {cursor!r}."
    assert body["errors"][0]["path"] == path


# Infinite, huge or boolean numbers must not reach int() or SQL (once they came back as
# "Unexpected error." or as a silently empty page, depending on the backend).
@pytest.mark.parametrize(
    ("field", "cursor"),
    [
        ("posts", _cursor(["2015-01-01T00:00:00+00:00", 1e999])),
        ("authors", _cursor(["x", 10**26])),
        ("search", _cursor([10**26])),
        ("search", _cursor([True])),
        ("relay.contributors", _cursor([10**26, 1])),
        ("relay.contributors", _cursor([True, 1])),
        ("relay.contributors", _cursor([1.5, 1])),
    ],
    ids=[
        "posts-infinite-id",
        "authors-huge-id",
        "search-huge-offset",
        "search-boolean-offset",
        "contributors-huge-leg",
        "contributors-boolean-leg",
        "contributors-fractional-leg",
    ],
)
async def test_out_of_range_cursor_is_invalid_cursor(gql: GraphQL, field: str, cursor: str) -> None:
    query, _ = _paged(field)
    body = await gql(query, first=1, after=cursor)
    assert [error["message"] for error in body.get("errors", [])] == [f"Invalid cursor {cursor!r}."]


async def test_too_deep_query_is_refused_before_sql(
    gql: GraphQL, sql_statements: StatementCounter
) -> None:
    hop = "relay { posts { edges { node { %s } } } }"
    selection = "title"
    for _ in range(3):
        selection = hop % selection
    body = await gql(f'{{ post(slug: "politi-med-bloed-hat") {{ {selection} }} }}')
    assert body["data"] is None
    assert _only_error(body) == "This document nests fields 13 deep; the limit is 12."
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "depth",
        "count": 13,
        "limit": 12,
    }
    assert sql_statements.statements == []


async def test_twelve_deep_is_allowed(gql: GraphQL) -> None:
    hop = "relay { posts { edges { node { %s } } } }"
    selection = "relay { title }"
    for _ in range(2):
        selection = hop % selection
    data = await gql.data(f'{{ post(slug: "politi-med-bloed-hat") {{ {selection} }} }}')
    assert data["post"]["relay"]["posts"]["edges"]


async def test_alias_flood_is_refused_before_sql(
    gql: GraphQL, sql_statements: StatementCounter
) -> None:
    def aliases(count: int) -> str:
        return "{ " + " ".join(f"a{i}: categories {{ slug }}" for i in range(count)) + " }"

    assert len(await gql.data(aliases(30))) == 30
    assert sql_statements.statements  # the counter does see the allowed query's SQL
    sql_statements.statements.clear()
    body = await gql(aliases(31))
    assert body["data"] is None
    assert _only_error(body) == "This document has 31 aliases; the limit is 30."
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert sql_statements.statements == []


async def test_huge_query_is_refused_before_sql(
    gql: GraphQL, sql_statements: StatementCounter
) -> None:
    body = await gql("{ " + "categories { slug } " * 1000 + "}")
    assert body["data"] is None
    assert _only_error(body) == "This document has more than 2000 tokens; the limit is 2000."
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "tokens",
        "limit": 2000,
    }
    assert sql_statements.statements == []


async def test_syntax_error_is_graphqls_own_message(gql: GraphQL) -> None:
    body = await gql("{ posts { ")
    assert body["data"] is None
    assert _only_error(body) == "Syntax Error: Expected Name, found <EOF>."
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


async def test_unknown_field_is_graphqls_own_message(gql: GraphQL) -> None:
    body = await gql("{ posts { edges { node { nope } } } }")
    assert body["data"] is None
    assert _only_error(body) == "Cannot query field 'nope' on type 'Post'."
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_unexpected_exceptions_are_masked_client_errors_are_not() -> None:
    assert should_mask(GraphQLError("secret SQL", original_error=RuntimeError("secret SQL")))
    assert not should_mask(GraphQLError("bad", original_error=ClientError("bad")))
    assert not should_mask(GraphQLError("Syntax Error: Unexpected '}'."))

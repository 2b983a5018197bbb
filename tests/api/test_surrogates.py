"""A lone surrogate anywhere in the variables is one typed error, before anything runs.

(Over WebSocket: tests/test_websocket.py. Inside a mutation: tests/api/test_hostile_input.py.)
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import StatementCounter

from graph.api.surrogates import find_surrogate
from graph.app import create_app
from graph.planning.answering import counters
from graph.settings import Settings

POST = "query ($s: String!) { post(slug: $s) { slug } }"
KNOWN_SLUG = "politi-med-bloed-hat"
MESSAGE = "Variable $s holds an unpaired UTF-16 surrogate (\\ud800), which is not text."


@pytest.fixture
async def http(database: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An uncached app, so every request reaches the GraphQL edge (or the fast lane)."""
    app = create_app(settings.model_copy(update={"response_cache": False}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def ask(
    http: httpx.AsyncClient, method: str, query: str, variables: Any, **extra: str
) -> httpx.Response:
    """Send with JSON's escapes kept (json.dumps writes a lone surrogate as `\\ud800`)."""
    if method == "GET":
        params = {"query": query, "variables": json.dumps(variables), **extra}
        return await http.get("/graphql", params=params)
    body = json.dumps({"query": query, "variables": variables, **extra})
    return await http.post("/graphql", content=body, headers={"content-type": "application/json"})


def test_the_first_lone_surrogate_is_found_with_its_path() -> None:
    variables = {"input": {"title": "ok", "bylines": [{"role": "x"}, {"author": "a\udfffb"}]}}
    assert find_surrogate(variables) == (("input", "bylines", 1, "author"), "\udfff")
    assert find_surrogate({"input": {"ti\ud800tle": 1}}) == (("input", "ti\ud800tle"), "\ud800")


def test_a_surrogate_pair_and_nul_are_text() -> None:
    assert find_surrogate(json.loads('{"s": "\\ud83d\\ude00", "n": "a\\u0000b"}')) is None


def test_a_deep_value_is_walked_without_recursion() -> None:
    deep: Any = "\ud800"
    for _ in range(100_000):
        deep = [deep]
    found = find_surrogate({"s": deep})
    assert found is not None and len(found[0]) == 100_001


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "document",
    [
        POST,
        "query ($s: String!) { relay(slug: $s) { id } }",
        "query ($s: String!) { author(slug: $s) { id } }",
        "query ($s: String!) { category(slug: $s) { slug } }",
        "query ($s: String!) { posts(filter: {category: $s}) { totalCount } }",
        "query ($s: String!) { search(query: $s) { totalCount } }",
    ],
)
async def test_a_lone_surrogate_in_a_lookup_is_refused_before_any_sql(
    http: httpx.AsyncClient, sql_statements: StatementCounter, method: str, document: str
) -> None:
    response = await ask(http, method, document, {"s": "a\ud800"})
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {"message": MESSAGE, "extensions": {"code": "INVALID_CHARACTER", "variable": ["s"]}}
        ],
    }
    assert sql_statements.statements == []


async def test_a_variable_the_operation_does_not_declare_is_refused_too(
    http: httpx.AsyncClient,
) -> None:
    # graphql-core ignores undeclared variables, but a request carrying non-text is refused.
    response = await ask(http, "POST", "{ __typename }", {"unused": {"deep": ["\udc00"]}})
    (error,) = response.json()["errors"]
    assert error["message"].startswith("Variable $unused.deep[0] holds an unpaired")
    assert error["extensions"]["variable"] == ["unused", "deep", 0]


async def test_a_wrongly_typed_variable_holding_one_gets_the_same_error(
    http: httpx.AsyncClient,
) -> None:
    # Before graphql-core's coercion error (which has no code): one answer for one mistake.
    document = "query ($n: Int) { posts(first: $n) { totalCount } }"
    response = await ask(http, "POST", document, {"n": "\ud800"})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CHARACTER"


async def test_an_operation_name_holding_one_is_an_unknown_name_not_a_crash(
    http: httpx.AsyncClient,
) -> None:
    response = await ask(http, "POST", "query A { __typename }", {}, operationName="A\ud800")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == 'Unknown operation named "A\\ud800".'


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_fast_lane_steps_aside_for_the_same_refusal(
    http: httpx.AsyncClient, method: str
) -> None:
    await ask(http, method, POST, {"s": KNOWN_SLUG})  # the whole way: now the lane knows it
    before = counters.fast_lane
    answered = await ask(http, method, POST, {"s": KNOWN_SLUG})
    assert answered.json()["data"] == {"post": {"slug": KNOWN_SLUG}}
    assert counters.fast_lane == before + 1
    refused = await ask(http, method, POST, {"s": "a\ud800"})
    assert counters.fast_lane == before + 1
    assert refused.json()["errors"][0]["message"] == MESSAGE

"""Malformed GraphQL-over-HTTP requests get a JSON 400 with a GraphQL error, never a 500."""

from __future__ import annotations

import httpx
import pytest

BAD_BODIES = {
    "a JSON string": b'"x"',
    "JSON null": b"null",
    "a JSON number": b"1",
    "cut-off JSON": b"[",
    "not JSON": b"query { x }",
    "deeply nested JSON": b"[" * 100_000,
    "deeply nested variables": b'{"query":"{ __typename }","variables":' + b"[" * 100_000,
    "invalid UTF-8": b'{"query":"{ \xff }"}',
    "variables as a list": b'{"query":"{ __typename }","variables":[1]}',
    "variables as a string": b'{"query":"{ __typename }","variables":"x"}',
    "a number as the query": b'{"query":1}',
    "no query": b'{"variables":{}}',
    "an empty body": b"",
    "an empty batch": b"[]",
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
@pytest.mark.parametrize("auth", [{}, {"authorization": "Bearer nonsense"}], ids=["anon", "token"])
async def test_a_malformed_body_gets_a_json_400(
    client: httpx.AsyncClient, body: bytes, auth: dict[str, str]
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json", **auth}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    (error,) = response.json()["errors"]
    assert isinstance(error["message"], str) and error["message"]


@pytest.mark.parametrize(
    "query_string",
    [
        "query={__typename}&variables=[1]",
        "query={__typename}&variables=%22x%22",
        "query={__typename}&variables=%5B%5B",
        "query={__typename}&variables=" + "%5B" * 10_000,
    ],
)
async def test_malformed_get_parameters_get_a_json_400(
    client: httpx.AsyncClient, query_string: str
) -> None:
    response = await client.get(f"/graphql?{query_string}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["message"]


async def test_a_good_request_still_answers(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }", "variables": None})
    assert response.json() == {
        "data": {"__typename": "Query"},
        "extensions": {"cost": {"requested": 1, "limit": 50_000}},  # its kibibyte
    }

"""Shared HTTP caches must never hand an editor's answer to anyone else."""

from __future__ import annotations

import httpx

QUERY = "{ posts(first: 1) { edges { node { slug } } } }"


async def test_every_response_varies_on_authorization(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": QUERY})
    assert response.status_code == 200
    assert response.headers["vary"] == "Authorization"


async def test_anonymous_responses_may_be_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": QUERY})
    assert "no-store" not in response.headers.get("cache-control", "")


async def test_responses_to_a_token_are_private_and_not_stored(
    client: httpx.AsyncClient, editor_token: str
) -> None:
    response = await client.get(
        "/graphql", params={"query": QUERY}, headers={"Authorization": f"Bearer {editor_token}"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"


async def test_a_bad_token_is_not_stored_either(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": QUERY}, headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"

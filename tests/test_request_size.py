"""Oversized request bodies are refused before the API reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from graph.app import create_app
from graph.settings import Settings

LIMIT = 2_000


def limited_client(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update={"max_request_bytes": LIMIT}))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_declared_oversized_body_gets_413(database: str, settings: Settings) -> None:
    padding = "x" * (LIMIT * 2)
    async with limited_client(settings) as http:
        response = await http.post(
            "/graphql", json={"query": "{ categories { name } }", "v": padding}
        )
    assert response.status_code == 413
    assert str(LIMIT) in response.json()["errors"][0]["message"]


async def test_a_streamed_oversized_body_gets_413(database: str, settings: Settings) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * (LIMIT // 2)

    async with limited_client(settings) as http:
        response = await http.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413


async def test_a_body_under_the_limit_is_served(database: str, settings: Settings) -> None:
    async with limited_client(settings) as http:
        response = await http.post("/graphql", json={"query": "{ categories { name } }"})
    assert response.status_code == 200
    assert response.json()["data"]["categories"]

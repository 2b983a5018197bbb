"""The request path when PostgreSQL kills the app's pooled connections between requests.

Every pooled connection dies while idle (as when PostgreSQL restarts or an operator runs
`pg_terminate_backend`); the next editor requests and health checks must still answer 200
with the right data, each lost connection retried once and counted on /metrics.
"""

from __future__ import annotations

import asyncio

import httpx
import psycopg
import pytest
from conftest import GraphQL
from fixtures.faults import kill_app_connections, postgres_only, watching

from graph import db, models, reconnect

pytestmark = postgres_only

DRAFTS = """{ posts(first: 5, filter: {status: [DRAFT, PUBLISHED]}) {
  edges { node { slug status } } } }"""
POSTS = "{ posts(first: 3) { edges { node { slug title } } } }"


async def reconnects(client: httpx.AsyncClient) -> int:
    response = await client.get("/metrics")
    assert response.status_code == 200
    (line,) = [
        line for line in response.text.splitlines() if line.startswith("graph_db_reconnects_total")
    ]
    return int(line.split()[1])


async def warm_pool(editor: GraphQL, client: httpx.AsyncClient) -> dict[str, object]:
    """A few requests at once, so the pool holds several connections; the drafts seen."""
    seen = await editor.data(DRAFTS)
    assert (await client.get("/healthz")).status_code == 200
    return seen


async def test_editor_requests_after_every_connection_died_answer_200_with_the_same_data(
    client: httpx.AsyncClient, editor: GraphQL, gql: GraphQL, database_url: str
) -> None:
    before_data = await warm_pool(editor, client)
    public_before = await gql.data(POSTS)
    before = await reconnects(client)
    async with watching(database_url) as watcher:
        assert await kill_app_connections(watcher) >= 1

        for _ in range(5):
            assert await editor.data(DRAFTS) == before_data
        assert await gql.data(POSTS) == public_before

    assert await reconnects(client) > before


async def test_healthz_after_every_connection_died_answers_200(
    client: httpx.AsyncClient, database_url: str
) -> None:
    assert (await client.get("/healthz")).status_code == 200
    before = await reconnects(client)
    async with watching(database_url) as watcher:
        assert await kill_app_connections(watcher) >= 1

        answers = [(await client.get("/healthz")).status_code for _ in range(5)]

    assert answers == [200] * 5
    assert await reconnects(client) == before + 1


async def test_transactions_that_fail_to_begin_on_dead_connections_do_not_use_up_the_pool(
    database: str,
) -> None:
    # More failed BEGINs than the pool has connections (Tortoise's default: at most 5). Had
    # each kept its connection, the read at the end would wait for the pool and time out.
    async with watching(database) as watcher:
        for _ in range(7):
            await reconnect.once_more(models.Relay.exists, "test read")  # an idle connection
            assert await kill_app_connections(watcher) >= 1
            with pytest.raises(psycopg.OperationalError):
                async with db.transaction():
                    await models.Relay.exists()
        await reconnect.refresh_pool()
        assert await asyncio.wait_for(models.Relay.exists(), 5)

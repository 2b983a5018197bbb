"""Two server processes with warm caches: after a publish commits, neither answers stale.

The publish is written by this test process, a third one, as a job worker or another machine
would: only PostgreSQL's NOTIFY tells the servers.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk
from fixtures.processes import serving

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="processes share invalidations through PostgreSQL (SQLite serves one process)",
)

QUERY = "query ($slug: String!) { relay(slug: $slug) { posts { totalCount } } }"
FRESH_WITHIN_S = 1.0
WATCH_S = 2.0


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
def servers(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "LOAD_DEMO_ON_EMPTY": "false",
    }
    with ExitStack() as stack:
        yield [stack.enter_context(serving(env, tmp_path / f"serve-{n}.log")) for n in (1, 2)]


async def count(http: httpx.AsyncClient, base: str, slug: str) -> tuple[int, str]:
    response = await http.post(
        f"{base}/graphql", json={"query": QUERY, "variables": {"slug": slug}}
    )
    total: int = response.json()["data"]["relay"]["posts"]["totalCount"]
    return total, response.headers.get("x-cache", "")


async def warm(http: httpx.AsyncClient, base: str, slug: str) -> None:
    """Ask until the server answers from its cache (its invalidation feed is connected)."""
    deadline = time.monotonic() + 10
    while (await count(http, base, slug))[1] != "HIT":
        assert time.monotonic() < deadline, f"{base} never served from its cache"
        await asyncio.sleep(0.05)


async def test_after_a_publish_commits_no_process_answers_stale(
    desk: Desk, servers: list[str]
) -> None:
    relay = await desk.relay()
    post = await desk.post(relay)
    async with httpx.AsyncClient(timeout=5) as http:
        for base in servers:
            await warm(http, base, relay["slug"])
        await desk.ok("publishPost", id=post["id"], expectedVersion=post["version"])
        committed = time.monotonic()

        first_fresh: dict[str, float] = {}
        stale_after_fresh: list[str] = []
        while time.monotonic() - committed < WATCH_S:
            for base in servers:
                total, _ = await count(http, base, relay["slug"])
                now = time.monotonic()
                if total == 1:
                    first_fresh.setdefault(base, now)
                elif base in first_fresh:
                    stale_after_fresh.append(base)
            await asyncio.sleep(0.01)

    assert set(first_fresh) == set(servers)
    for base, moment in first_fresh.items():
        assert moment - committed <= FRESH_WITHIN_S, (base, moment - committed)
    assert stale_after_fresh == []

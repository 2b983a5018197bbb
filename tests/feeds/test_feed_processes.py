"""A real server process with its feed cached: a publish by another process reaches it.

The publish is written by this test process, as a job worker or another machine would: only
PostgreSQL's NOTIFY tells the server, exactly as for its cached GraphQL answers.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fixtures.editing import Desk
from fixtures.processes import serving

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="processes share invalidations through PostgreSQL (SQLite serves one process)",
)

FRESH_WITHIN_S = 1.0


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "LOAD_DEMO_ON_EMPTY": "false",
    }
    with serving(env, tmp_path / "serve.log") as base:
        yield base


async def test_a_publish_in_another_process_reaches_the_cached_feed(
    desk: Desk, server: str
) -> None:
    relay = await desk.relay()
    post = await desk.post(relay)
    url = f"{server}/feeds/relays/{relay['slug']}.json"
    async with httpx.AsyncClient(timeout=5) as http:
        deadline = time.monotonic() + 10
        while (await http.get(url)).headers["x-cache"] != "HIT":
            assert time.monotonic() < deadline, "the server never served the feed from its cache"
            await asyncio.sleep(0.05)
        await desk.ok("publishPost", id=post["id"], expectedVersion=post["version"])
        committed = time.monotonic()
        while not (await http.get(url)).json()["items"]:
            assert time.monotonic() - committed < FRESH_WITHIN_S, "the feed stayed stale"
            await asyncio.sleep(0.01)

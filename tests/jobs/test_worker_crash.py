"""A `graph worker` killed with SIGKILL mid-job: the next worker finishes the job, once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fixtures import editing
from fixtures.clock import TestClock
from fixtures.editing import Desk
from fixtures.jobs import TEST_JOB_SETTINGS, eventually

from graph import models
from graph.db import libpq_url
from graph.publishing import TASK_NAME

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="separate worker processes take jobs from PostgreSQL (SQLite runs them in serve)",
)


@contextmanager
def worker(database_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`graph worker` as its own process, stopped (if still alive) when the block ends."""
    env = {**os.environ, **TEST_JOB_SETTINGS, "DATABASE_URL": database_url}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph", "worker", "--concurrency", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)


async def job_states(connection: psycopg.AsyncConnection, post_pk: int) -> list[str]:
    cursor = await connection.execute(
        "SELECT status FROM procrastinate_jobs WHERE task_name = %s "
        "AND (args->>'post_id')::int = %s ORDER BY id",
        [TASK_NAME, post_pk],
    )
    return [str(row[0]) for row in await cursor.fetchall()]


async def states_are(
    connection: psycopg.AsyncConnection, post_pk: int, expected: list[str]
) -> bool:
    return await job_states(connection, post_pk) == expected


async def test_a_job_killed_mid_run_completes_once_on_the_next_worker(
    desk: Desk, database_url: str, tmp_path: Path, stopped_clock: TestClock
) -> None:
    post = await desk.post()
    post_pk = int(editing.from_global_id(post["id"])[1])
    # The clock stands still here, so however long the request takes, the time is ahead;
    # the worker (a process of its own) publishes at the real time.
    at = stopped_clock.now() + dt.timedelta(seconds=1)
    await desk.ok(
        "schedulePost", id=post["id"], expectedVersion=post["version"], publishAt=at.isoformat()
    )
    dsn = libpq_url(database_url)
    async with (
        await psycopg.AsyncConnection.connect(dsn, autocommit=True) as watcher,
        await psycopg.AsyncConnection.connect(dsn) as blocker,
    ):
        # Hold the post's row lock: the job will start, then wait on it mid-run.
        await blocker.execute("SELECT id FROM post WHERE id = %s FOR UPDATE", [post_pk])
        with worker(database_url, tmp_path / "first.log") as first:
            await eventually(lambda: states_are(watcher, post_pk, ["doing"]), 20)
            await asyncio.sleep(0.5)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        await blocker.rollback()
        assert await job_states(watcher, post_pk) == ["doing"]
        assert (await models.Post.get(id=post_pk)).status is models.PostStatus.SCHEDULED

        with worker(database_url, tmp_path / "second.log"):
            await eventually(lambda: states_are(watcher, post_pk, ["succeeded"]), 30)

    published = await models.Post.get(id=post_pk)
    assert published.status is models.PostStatus.PUBLISHED
    revisions = await models.PostRevision.filter(post_id=post_pk)
    publishes = [r for r in revisions if r.changes.get("status", {}).get("new") == "PUBLISHED"]
    assert len(publishes) == 1

"""Jobs survive the database: a lost connection is retried with backoff, and recorded."""

from __future__ import annotations

import datetime as dt

import psycopg
from fixtures import editing
from fixtures.clock import TestClock
from fixtures.editing import Desk
from fixtures.faults import (
    backend_waiting_on_a_lock,
    kill_app_connections,
    postgres_only,
    watching,
)
from fixtures.jobs import eventually, running_worker
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job, Status

from graph import models
from graph.jobs.engine import BACKOFF, RetryLater
from graph.publishing import TASK_NAME
from graph.settings import Settings


def a_job(attempts: int) -> Job:
    return Job(
        id=1,
        queue="default",
        lock=None,
        queueing_lock=None,
        task_name="t",
        task_kwargs={},
        status=Status.DOING,
        attempts=attempts,
    )


def wait_s(error: BaseException, attempts: int = 0) -> float | None:
    decision = BACKOFF.get_retry_decision(exception=error, job=a_job(attempts))
    if decision is None or decision.retry_at is None:
        return None
    return (decision.retry_at - dt.datetime.now(dt.UTC)).total_seconds()


def test_lost_connections_are_retried_with_growing_jittered_waits(
    settings_for_jobs: Settings,
) -> None:
    lost = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    first, later = wait_s(lost, 0), wait_s(lost, 10)
    assert first is not None and 0.05 < first <= 0.2
    assert later is not None and 0.4 < later <= 1.0  # JOB_RETRY_CAP_S=1 in tests
    gone = psycopg.OperationalError("the connection is lost")
    assert wait_s(gone) is not None
    wrapped = ConnectorException()
    wrapped.__cause__ = gone
    assert wait_s(wrapped) is not None


def test_bugs_and_slow_statements_fail_at_once(settings_for_jobs: Settings) -> None:
    assert wait_s(TypeError("a bug")) is None
    assert wait_s(psycopg.errors.QueryCanceled("statement timeout")) is None
    assert wait_s(psycopg.errors.UniqueViolation("duplicate key")) is None


def test_retry_later_keeps_its_own_backoff(settings_for_jobs: Settings) -> None:
    waited = wait_s(RetryLater("smtp down", base_s=40, cap_s=100), 0)
    assert waited is not None and 20 < waited <= 40


@postgres_only
async def test_a_publish_job_whose_connection_is_killed_runs_again_and_publishes_once(
    desk: Desk, database_url: str, settings_for_jobs: Settings, stopped_clock: TestClock
) -> None:
    post = await desk.post()
    post_pk = int(editing.from_global_id(post["id"])[1])
    at = stopped_clock.now() + dt.timedelta(seconds=1)
    await desk.ok(
        "schedulePost", id=post["id"], expectedVersion=post["version"], publishAt=at.isoformat()
    )
    await stopped_clock.advance(dt.timedelta(seconds=1))
    async with (
        watching(database_url) as watcher,
        watching(database_url) as blocker,
    ):
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT id FROM post WHERE id = %s FOR UPDATE", [post_pk])
        async with running_worker(settings_for_jobs):
            # The job waits on the row lock mid-run; then every app connection dies, the
            # idle pooled ones too (as with a PostgreSQL restart).
            await eventually(lambda: backend_waiting_on_a_lock(watcher), 10)
            killed = await kill_app_connections(watcher, spare=(blocker.info.backend_pid,))
            await blocker.execute("ROLLBACK")
            assert killed >= 1

            async def status() -> bool:
                cursor = await watcher.execute("SELECT status FROM post WHERE id = %s", [post_pk])
                row = await cursor.fetchone()
                return row is not None and row[0] == "published"

            await eventually(status, 15)

        cursor = await watcher.execute(
            "SELECT j.status, j.attempts, e.error FROM procrastinate_jobs j "
            "LEFT JOIN job_error e ON e.job_id = j.id "
            "WHERE j.task_name = %s AND (j.args->>'post_id')::int = %s",
            [TASK_NAME, post_pk],
        )
        (job,) = await cursor.fetchall()
    assert job[0] == "succeeded" and job[1] >= 1
    assert job[2] is not None and "AdminShutdown" in job[2]
    revisions = await models.PostRevision.filter(post_id=post_pk)
    publishes = [r for r in revisions if r.changes.get("status", {}).get("new") == "PUBLISHED"]
    assert len(publishes) == 1

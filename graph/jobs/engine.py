"""The job engine: one procrastinate app whose connector follows the database URL.

On PostgreSQL the jobs live in the content database and are deferred on the caller's own
transaction connection, so a job exists exactly when the change that caused it commits. On
SQLite (the embedded mode) they run in-process from memory: they are deferred right after the
commit, and `graph serve` re-derives whatever is due from the tables on start-up.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import orjson
import psycopg
from procrastinate import App, BaseRetryStrategy, PsycopgConnector, RetryDecision
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job
from procrastinate.tasks import Task
from procrastinate.testing import InMemoryConnector

from graph import db, reconnect
from graph.db import libpq_url
from graph.read import sql
from graph.settings import Settings

# Modules that define tasks; the worker imports them so every task is known by name.
TASK_MODULES = [
    "graph.publishing",
    "graph.webhooks.jobs",
    "graph.newsletter.jobs",
    "graph.baton.jobs",
    "graph.jobs.maintenance",
]

app = App(connector=InMemoryConnector(), import_paths=TASK_MODULES)


class _Running:
    """The settings this process's jobs run with, given where the process starts.

    A job's arguments are JSON from the queue, so the settings cannot travel with them: the
    process start (`configure`, and `run_worker`) leaves them here and each job reads them.
    """

    settings: Settings | None = None


_running = _Running()


def configure(settings: Settings) -> None:
    """Point the app at the content database (PostgreSQL) or the in-process queue (SQLite),
    and run this process's jobs with `settings`."""
    run_jobs_with(settings)
    connector: InMemoryConnector | PsycopgConnector
    if settings.database_url.startswith("sqlite"):
        connector = InMemoryConnector()
    else:
        connector = PsycopgConnector(
            conninfo=libpq_url(settings.database_url), min_size=1, max_size=4
        )
    # What App.replace_connector does, kept for the life of the process.
    app.connector = connector
    app.job_manager.connector = connector


def run_jobs_with(settings: Settings) -> None:
    """Run this process's jobs with `settings` from now on (a worker's start sets them)."""
    _running.settings = settings


def job_settings() -> Settings:
    """The settings this process's jobs run with (set where the process started)."""
    if _running.settings is None:
        raise RuntimeError("jobs run before engine.configure(settings) at the process start")
    return _running.settings


def embedded() -> bool:
    """Whether jobs run in-process from memory (SQLite) rather than from PostgreSQL."""
    return isinstance(app.connector, InMemoryConnector)


async def defer(
    task: Task[..., Any, ...],
    *,
    at: dt.datetime | None = None,
    lock: str | None = None,
    **args: Any,
) -> None:
    """Enqueue `task(**args)` (at `at`, or now) as part of the current transaction.

    Jobs sharing a `lock` never run at the same time. (No queueing locks: on PostgreSQL a
    clash would abort the caller's whole transaction.)
    """
    options: dict[str, Any] = {} if at is None else {"schedule_at": at}
    if lock is not None:
        options["lock"] = lock
    if embedded():
        # Nothing in memory can take part in the SQLite transaction: wait for the commit.
        async def after_commit() -> None:
            await task.configure(**options).defer_async(**args)

        await db.on_commit(after_commit)
        return
    if db.in_our_transaction():
        options["connection"] = db.connection()._connection
    await task.configure(**options).defer_async(**args)


async def waiting_jobs(task: Task[..., Any, ...]) -> list[dict[str, Any]]:
    """The arguments of the task's jobs that are queued or running now."""
    if embedded():
        jobs = app.connector.jobs.values()  # type: ignore[attr-defined]
        return [
            job["args"]
            for job in jobs
            if job["task_name"] == task.name and job["status"] in ("todo", "doing")
        ]
    rows = await sql.fetch(
        "SELECT args FROM procrastinate_jobs WHERE task_name = ? AND status IN ('todo', 'doing')",
        [task.name],
    )
    return [row["args"] for row in rows]


def is_waiting(waiting: list[dict[str, Any]], **args: Any) -> bool:
    """Whether one of `waiting` (from `waiting_jobs`) has all of `args` among its arguments."""
    return any(all(job.get(name) == value for name, value in args.items()) for job in waiting)


async def cancel_waiting(task: Task[..., Any, ...], **args: Any) -> None:
    """Cancel the task's queued jobs whose arguments include `args`, with the transaction."""
    if embedded():

        async def forget() -> None:
            for job in app.connector.jobs.values():  # type: ignore[attr-defined]
                wanted = all(job["args"].get(name) == value for name, value in args.items())
                if job["task_name"] == task.name and job["status"] == "todo" and wanted:
                    job["status"] = "cancelled"

        await db.on_commit(forget)
        return
    await sql.execute(
        "UPDATE procrastinate_jobs SET status = 'cancelled' "
        "WHERE status = 'todo' AND task_name = ? AND args @> CAST(? AS jsonb)",
        [task.name, orjson.dumps(args).decode()],
    )


class RetryLater(Exception):
    """Raised by a job whose work may succeed later (a server down, a 5xx answer).

    The job runs again after an exponential backoff with jitter, between `base_s` and
    `cap_s` seconds; the job itself decides when to give up.
    """

    def __init__(self, reason: str, base_s: float, cap_s: float) -> None:
        super().__init__(reason)
        self.base_s = base_s
        self.cap_s = cap_s

    def delay_s(self, attempts: int) -> float:
        """The wait before the next run, after `attempts` earlier runs."""
        return backoff_s(self.base_s, self.cap_s, attempts)


def backoff_s(base_s: float, cap_s: float, attempts: int) -> float:
    """About base * 2^attempts, at most `cap_s`, with "equal jitter" (half fixed, half random)."""
    ceiling: float = min(cap_s, base_s * 2 ** min(attempts, 32))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def transient(error: BaseException) -> bool:
    """Whether `error` is database or network trouble that a later run may not meet.

    A lost connection (killed backend, restarted server, dropped proxy), no connection to be
    had in time, a refused or timed-out socket. Mail and webhook jobs turn their own server's
    trouble into `RetryLater`; this covers what reaches a job from the database. The engine
    wraps its own driver errors (`ConnectorException`): their cause decides.
    """
    if isinstance(error, ConnectorException) and error.__cause__ is not None:
        return transient(error.__cause__)
    if reconnect.database_unreachable(error):
        return True
    return isinstance(error, ConnectionError | TimeoutError)


def describe(error: BaseException) -> str:
    """`Type: message` of an error, with the driver's error behind an engine error."""
    text = f"{type(error).__name__}: {error}".strip()
    if isinstance(error, ConnectorException) and error.__cause__ is not None:
        text = f"{type(error).__name__} ({describe(error.__cause__)})"
    return text


class Backoff(BaseRetryStrategy):
    """Retry `RetryLater` with its backoff and transient errors with JOB_RETRY_BASE_S/CAP_S.

    Any other exception (a bug) fails the job at once, so admins see it in `jobs.failed`.
    Transient errors are retried without a limit: the database coming back is what ends
    them, and until then each run is one attempt every JOB_RETRY_CAP_S at most.
    """

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, RetryLater):
            wait_s = exception.delay_s(job.attempts)
        elif transient(exception):
            settings = job_settings()
            wait_s = backoff_s(settings.job_retry_base_s, settings.job_retry_cap_s, job.attempts)
        else:
            return None
        return RetryDecision(retry_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait_s))


BACKOFF = Backoff()


async def install_schema(database_url: str) -> bool:
    """Create procrastinate's tables in a PostgreSQL database that lacks them (idempotent).

    Returns whether it created them. The engine's own schema is applied as one script under
    an advisory lock, so two processes migrating at once do not both try.
    """
    from procrastinate.schema import SchemaManager

    if database_url.startswith("sqlite"):
        return False
    connect = psycopg.AsyncConnection.connect(libpq_url(database_url))
    async with await connect as connection, connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext('procrastinate'))")
        cursor = await connection.execute("SELECT to_regclass('procrastinate_jobs')")
        row = await cursor.fetchone()
        if row is not None and row[0] is not None:
            return False
        await connection.execute(SchemaManager.get_schema())
    return True

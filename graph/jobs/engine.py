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
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg
from procrastinate import App, BaseRetryStrategy, PsycopgConnector, RetryDecision
from procrastinate.jobs import Job
from procrastinate.tasks import Task
from procrastinate.testing import InMemoryConnector

from graph import db
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


def configure(settings: Settings) -> None:
    """Point the app at the content database (PostgreSQL) or the in-process queue (SQLite)."""
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


def embedded() -> bool:
    """Whether jobs run in-process from memory (SQLite) rather than from PostgreSQL."""
    return isinstance(app.connector, InMemoryConnector)


def libpq_url(database_url: str) -> str:
    """The Tortoise `psycopg://…?min_size=…` URL as a libpq URL without Tortoise's options."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


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
        """The wait before the next run, after `attempts` earlier runs ("equal jitter")."""
        ceiling: float = min(self.cap_s, self.base_s * 2 ** min(attempts, 32))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


class Backoff(BaseRetryStrategy):
    """Retry `RetryLater` with its backoff; any other exception fails the job."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, RetryLater):
            return None
        wait = dt.timedelta(seconds=exception.delay_s(job.attempts))
        return RetryDecision(retry_at=dt.datetime.now(dt.UTC) + wait)


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

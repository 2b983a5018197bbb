"""Running jobs: `graph worker` processes on PostgreSQL, or a task inside `graph serve`."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from procrastinate.job_context import JobContext
from procrastinate.worker import Worker

from graph import models, reconnect
from graph.jobs.engine import app, backoff_s, embedded, transient
from graph.settings import Settings

log = logging.getLogger(__name__)


async def run_worker(
    settings: Settings, *, concurrency: int | None = None, install_signal_handlers: bool = True
) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM, or cancellation when in-process)."""
    if embedded():
        # One SQLite connection serves the whole process; jobs take turns on it.
        concurrency = 1
    rescuer = asyncio.create_task(_requeue_stalled_jobs(settings))
    try:
        for restarts in itertools.count():
            try:
                await app.run_worker_async(
                    concurrency=concurrency or settings.worker_concurrency,
                    fetch_job_polling_interval=settings.worker_poll_s,
                    update_heartbeat_interval=settings.worker_heartbeat_s,
                    stalled_worker_timeout=settings.stalled_after_s,
                    install_signal_handlers=install_signal_handlers,
                    worker_middleware=[record_errors],
                )
                return
            except Exception as error:
                # The engine stops its worker when fetching a job or a heartbeat fails
                # (PostgreSQL restarting, a dropped connection): start it again, with backoff,
                # instead of leaving the process alive with no worker in it.
                if not transient(error):
                    raise
                wait_s = backoff_s(settings.job_retry_base_s, settings.job_retry_cap_s, restarts)
                counters.worker_restarts += 1
                log.warning("job worker stopped (%s); starting again in %.1f s", error, wait_s)
                await asyncio.sleep(wait_s)
    finally:
        rescuer.cancel()


@contextlib.asynccontextmanager
async def worker_running(settings: Settings) -> AsyncIterator[None]:
    """A worker inside this process (`graph serve` on SQLite, tests) until the block ends."""
    runner = asyncio.create_task(run_worker(settings, install_signal_handlers=False))
    try:
        yield
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


class Counters:
    """What this process's job worker had to recover from (shown on /metrics)."""

    worker_restarts = 0
    unrecorded_errors = 0


counters = Counters()


async def record_errors(
    call_next: Callable[[], Awaitable[Any]], context: JobContext, worker: Worker
) -> Any:
    """Keep the last error of each job run for admins (the engine keeps only the state).

    The error that stopped a job is often the database going away, and the pooled
    connection that would record it may have died with it: the write gets one retry on a
    fresh connection. If even that fails, the job's own error still goes to the engine.
    """
    try:
        return await call_next()
    except Exception as error:
        job = context.job
        if job.id is not None:
            try:
                store = functools.partial(_store_error, job.id, job.task_name, error)
                await reconnect.once_more(store, "recording a job error")
            except Exception:
                counters.unrecorded_errors += 1
                log.exception("job %s: could not record its error %r", job.id, error)
        raise


async def _store_error(job_id: int | None, task_name: str, error: Exception) -> None:
    await models.JobError.update_or_create(
        job_id=job_id,
        defaults={
            "task_name": task_name,
            "error": f"{type(error).__name__}: {error}"[:2000],
            "failed_at": dt.datetime.now(dt.UTC),
        },
    )


async def _requeue_stalled_jobs(settings: Settings) -> None:
    # A worker killed mid-job (SIGKILL, OOM, a lost machine) leaves its job `doing`. Once
    # its heartbeat is older than STALLED_AFTER_S, any live worker puts the job back.
    interval = max(settings.worker_heartbeat_s, 0.5)
    while True:
        await asyncio.sleep(interval)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.stalled_after_s
            )
            for job in stalled:
                log.warning(
                    "job %s (%s) stalled: its worker died; running it again", job.id, job.task_name
                )
                await app.job_manager.retry_job(job)
        except Exception:
            log.exception("could not re-queue stalled jobs")

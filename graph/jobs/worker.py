"""Running jobs: `graph worker` processes on PostgreSQL, or a task inside `graph serve`."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import import_module
from typing import Any

from procrastinate.job_context import JobContext
from procrastinate.worker import Worker

from graph import models
from graph.jobs.engine import TASK_MODULES, app, embedded
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
        await app.run_worker_async(
            concurrency=concurrency or settings.worker_concurrency,
            fetch_job_polling_interval=settings.worker_poll_s,
            update_heartbeat_interval=settings.worker_heartbeat_s,
            stalled_worker_timeout=settings.stalled_after_s,
            install_signal_handlers=install_signal_handlers,
            worker_middleware=[record_errors],
        )
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


async def record_errors(
    call_next: Callable[[], Awaitable[Any]], context: JobContext, worker: Worker
) -> Any:
    """Keep the last error of each job run for admins (the engine keeps only the state)."""
    try:
        return await call_next()
    except Exception as error:
        job = context.job
        if job.id is not None:
            await models.JobError.update_or_create(
                job_id=job.id,
                defaults={
                    "task_name": job.task_name,
                    "error": f"{type(error).__name__}: {error}"[:2000],
                    "failed_at": dt.datetime.now(dt.UTC),
                },
            )
        raise


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


async def requeue_due_work() -> None:
    """Defer a job for everything the tables say is due (the embedded mode's start-up).

    In-process jobs live in memory, so a restart forgets them; the rows that caused them
    (scheduled posts, pending deliveries, unsent mails) do not. Each task module with work
    that can be pending defines `requeue_due()`.
    """
    for name in TASK_MODULES:
        requeue = getattr(import_module(name), "requeue_due", None)
        if requeue is not None:
            await requeue()

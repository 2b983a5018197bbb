"""Running jobs: `graph worker` processes on PostgreSQL, or a task inside `graph serve`."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from procrastinate.job_context import JobContext
from procrastinate.worker import Worker

from graph import models, reconnect
from graph.jobs.engine import app, backoff_s, describe, embedded, run_jobs_with, transient
from graph.settings import Settings

log = logging.getLogger(__name__)
# A failed job's error as the admin view shows it: its first characters.
MAX_ERROR_CHARS = 2000

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def run_worker(
    settings: Settings, *, concurrency: int | None = None, install_signal_handlers: bool = True
) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM, or cancellation when in-process).

    The engine stops its worker by itself when the database goes away (fetching a job, the
    heartbeat or the listener fails): it is started again, with backoff, so the process never
    stays alive with no worker in it. Our own signal handlers tell the two kinds of stop apart.
    """
    run_jobs_with(settings)
    if embedded():
        # One SQLite connection serves the whole process; jobs take turns on it.
        concurrency = 1
    stop = asyncio.Event()
    if install_signal_handlers:
        for signum in STOP_SIGNALS:
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    rescuer = asyncio.create_task(_requeue_stalled_jobs(settings))
    try:
        restarts = 0
        while True:
            started = time.monotonic()
            error = await _run_engine_worker(settings, concurrency, stop)
            if stop.is_set():
                return
            if time.monotonic() - started > settings.job_retry_cap_s:
                restarts = 0  # it ran well for a while: this is a new outage, start quick
            wait_s = backoff_s(settings.job_retry_base_s, settings.job_retry_cap_s, restarts)
            restarts += 1
            counters.worker_restarts += 1
            reason = "it stopped by itself" if error is None else describe(error)
            log.warning("job worker stopped (%s); starting again in %.1f s", reason, wait_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait_s)
    finally:
        rescuer.cancel()
        if install_signal_handlers:
            for signum in STOP_SIGNALS:
                asyncio.get_running_loop().remove_signal_handler(signum)


async def _run_engine_worker(
    settings: Settings, concurrency: int | None, stop: asyncio.Event
) -> BaseException | None:
    """Run the engine's worker until it ends or `stop` is set; the transient error it ended
    with, if any (other errors are raised). On `stop` it finishes its running jobs first."""
    worker = asyncio.create_task(
        app.run_worker_async(
            concurrency=concurrency or settings.worker_concurrency,
            fetch_job_polling_interval=settings.worker_poll_s,
            update_heartbeat_interval=settings.worker_heartbeat_s,
            stalled_worker_timeout=settings.stalled_after_s,
            install_signal_handlers=False,
            worker_middleware=[record_errors],
        )
    )
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        # Cancelled from outside (an in-process worker ending): stop, then pass it on.
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        raise
    finally:
        stopping.cancel()
    # Cancelling the engine's worker is its graceful stop (running jobs finish).
    worker.cancel()
    try:
        await worker
    except asyncio.CancelledError:
        if not stop.is_set():
            raise
    except Exception as error:
        if not transient(error):
            raise
        return error
    return None


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
            "error": describe(error)[:MAX_ERROR_CHARS],
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

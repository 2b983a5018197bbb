"""Housekeeping: due work re-derived from the tables each minute, and old jobs deleted."""

from __future__ import annotations

import logging
from importlib import import_module

from graph.jobs.engine import TASK_MODULES, app, job_settings

log = logging.getLogger(__name__)


class Counters:
    """Jobs this process deferred because the tables said work was due and none waited."""

    requeued = 0


counters = Counters()


async def requeue_due_work() -> int:
    """Defer a job for everything the tables say is due and has no job waiting; how many.

    The rows that cause jobs (scheduled posts, pending deliveries, unsent mails) outlive
    any job: one lost with an in-memory queue (SQLite restarted), failed while the database
    was away, or never deferred. Each task module with work that can be pending defines
    `requeue_due()`, which skips rows whose job is queued or running, so this is idempotent.
    """
    deferred = 0
    for name in TASK_MODULES:
        requeue = getattr(import_module(name), "requeue_due", None)
        if requeue is not None:
            found = await requeue()
            if found:
                log.warning("%s: %s job(s) deferred for due work that had none", name, found)
            deferred += found
    counters.requeued += deferred
    return deferred


@app.periodic(cron="* * * * *")
@app.task(name="requeue_due_work")
async def requeue_due_work_every_minute(timestamp: int) -> None:
    """The sweep every worker takes part in (one run per minute across all of them)."""
    await requeue_due_work()


@app.periodic(cron="17 * * * *")
@app.task(name="prune_finished_jobs")
async def prune_finished_jobs(timestamp: int) -> None:
    """Delete succeeded and cancelled jobs older than JOB_RETENTION_HOURS (failed ones stay)."""
    await app.job_manager.delete_old_jobs(
        nb_hours=job_settings().job_retention_hours, include_cancelled=True
    )

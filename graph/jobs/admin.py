"""What admins see of the job engine: counts by state, failed jobs with their last error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from procrastinate.jobs import Job

from graph import models
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound
from graph.jobs.engine import app, embedded
from graph.read import sql

# A job's arguments are ids and kinds, never content (procrastinate's periodic tasks add a
# timestamp): far less than this as JSON.
JOB_ARGS_BYTES = 1024
STATES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")
# A failed job whose error could not be stored (the database went away as it failed; the
# worker counts these as graph_job_errors_unrecorded_total and logs the error).
UNRECORDED = (
    "No error was recorded (the database was unreachable as the job failed); see the worker's log."
)


@dataclass(frozen=True)
class JobView:
    """One job as admins see it."""

    id: int
    task_name: str
    state: str
    args: dict[str, Any]
    attempts: int
    scheduled_at: dt.datetime | None
    last_error: str | None
    failed_at: dt.datetime | None


async def job_counts() -> dict[str, int]:
    """How many jobs are in each state, over every queue."""
    counts = dict.fromkeys(STATES, 0)
    for queue in await app.job_manager.list_queues_async():
        for state in STATES:
            counts[state] += int(queue[state])
    return counts


async def failed_jobs(limit: int) -> list[JobView]:
    """The newest failed jobs, each with the error of its last run."""
    if embedded():
        failed = await app.job_manager.list_jobs_async(status="failed")
        newest = sorted(failed, key=lambda job: job.id or 0, reverse=True)[:limit]
    else:
        # The engine's list_jobs has no limit; a long history of failures must not be read whole.
        rows = await sql.fetch(
            "SELECT id, queue_name, task_name, priority, lock, queueing_lock, args, status, "
            "scheduled_at, attempts, abort_requested, worker_id FROM procrastinate_jobs "
            "WHERE status = 'failed' ORDER BY id DESC LIMIT ?",
            [limit],
        )
        newest = [Job.from_row(row) for row in rows]
    return await _with_errors(newest)


async def retry_job(job_id: int) -> JobView:
    """Put a failed job back in the queue to run now."""
    found = list(await app.job_manager.list_jobs_async(id=job_id))
    if not found:
        raise NotFound("job", job_id)
    checks = Checks()
    if found[0].status != "failed":
        checks.fail(
            ["id"], f"the job is {found[0].status}; only failed jobs are retried", Code.INVALID
        )
    checks.done()
    await app.job_manager.retry_job_by_id_async(job_id, retry_at=dt.datetime.now(dt.UTC))
    (job,) = await _with_errors(list(await app.job_manager.list_jobs_async(id=job_id)))
    return job


def _unrecorded(job: Any) -> str | None:
    return UNRECORDED if str(job.status) == "failed" else None


async def _with_errors(jobs: list[Any]) -> list[JobView]:
    ids = [job.id for job in jobs]
    errors = {row.job_id: row for row in await models.JobError.filter(job_id__in=ids)}
    return [
        JobView(
            id=job.id,
            task_name=job.task_name,
            state=str(job.status),
            args=dict(job.task_kwargs),
            attempts=job.attempts,
            scheduled_at=job.scheduled_at,
            last_error=errors[job.id].error if job.id in errors else _unrecorded(job),
            failed_at=errors[job.id].failed_at if job.id in errors else None,
        )
        for job in jobs
    ]

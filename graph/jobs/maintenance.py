"""Housekeeping: finished jobs are deleted after a while, so the job table stays small."""

from __future__ import annotations

from graph.jobs.engine import app
from graph.settings import get_settings


@app.periodic(cron="17 * * * *")
@app.task(name="prune_finished_jobs")
async def prune_finished_jobs(timestamp: int) -> None:
    """Delete succeeded and cancelled jobs older than JOB_RETENTION_HOURS (failed ones stay)."""
    await app.job_manager.delete_old_jobs(
        nb_hours=get_settings().job_retention_hours, include_cancelled=True
    )

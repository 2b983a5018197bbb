"""The sweep: due work whose job was lost or failed gets a job again, and only one."""

from __future__ import annotations

import datetime as dt

from fixtures import editing
from fixtures.editing import Desk
from fixtures.jobs import run_due_jobs

from graph import models
from graph.jobs import maintenance
from graph.jobs.engine import app
from graph.jobs.maintenance import requeue_due_work_every_minute
from graph.publishing import TASK_NAME
from graph.settings import Settings


async def scheduled(desk: Desk, at: dt.datetime) -> int:
    post = await desk.post()
    await desk.ok(
        "schedulePost", id=post["id"], expectedVersion=post["version"], publishAt=at.isoformat()
    )
    return int(editing.from_global_id(post["id"])[1])


async def publish_jobs(post_pk: int, status: str) -> list[int]:
    jobs = await app.job_manager.list_jobs_async(task=TASK_NAME, status=status)
    return [job.id for job in jobs if job.id and job.task_kwargs.get("post_id") == post_pk]


async def lose_jobs(post_pk: int) -> None:
    """As if the job had failed for good or vanished: nothing waits for the post any more."""
    for job_id in await publish_jobs(post_pk, "todo"):
        await app.job_manager.cancel_job_by_id_async(job_id)


def a_minute() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp()) // 60 * 60


async def test_a_due_post_whose_job_was_lost_goes_live_after_the_sweep(
    desk: Desk, settings_for_jobs: Settings
) -> None:
    post_pk = await scheduled(desk, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    await lose_jobs(post_pk)
    await models.Post.filter(id=post_pk).update(
        publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    )
    before = maintenance.counters.requeued

    await requeue_due_work_every_minute(a_minute())
    await run_due_jobs()

    assert (await models.Post.get(id=post_pk)).status is models.PostStatus.PUBLISHED
    assert maintenance.counters.requeued > before


async def test_the_sweep_leaves_work_whose_job_waits_alone(
    desk: Desk, settings_for_jobs: Settings
) -> None:
    post_pk = await scheduled(desk, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert len(await publish_jobs(post_pk, "todo")) == 1

    await requeue_due_work_every_minute(a_minute())
    await requeue_due_work_every_minute(a_minute())

    assert len(await publish_jobs(post_pk, "todo")) == 1


async def test_a_lost_job_is_deferred_once_by_two_sweeps(
    desk: Desk, settings_for_jobs: Settings
) -> None:
    post_pk = await scheduled(desk, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    await lose_jobs(post_pk)

    await requeue_due_work_every_minute(a_minute())
    await requeue_due_work_every_minute(a_minute())

    assert len(await publish_jobs(post_pk, "todo")) == 1
    assert (await models.Post.get(id=post_pk)).status is models.PostStatus.SCHEDULED

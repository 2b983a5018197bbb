"""Scheduled publishing: a post goes live at `publishAt` with a worker running, once.

The tests move the clock on (fixtures/clock.py) rather than wait for a time to come.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.clock import TestClock
from fixtures.editing import Desk
from fixtures.jobs import eventually, run_due_jobs, running_worker

from graph import db, models
from graph.editing import posts as editing_posts
from graph.jobs.engine import app
from graph.publishing import TASK_NAME, publish_scheduled_post
from graph.settings import Settings

HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
POST = """query ($slug: String!) { post(slug: $slug) { status publishedAt publishAt leg } }"""


def soon(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


async def scheduled(desk: Desk, at: dt.datetime) -> dict[str, object]:
    post = await desk.post()
    return await desk.ok(
        "schedulePost", id=post["id"], expectedVersion=post["version"], publishAt=at.isoformat()
    )


async def publish_jobs(post_pk: int) -> list[str]:
    """The states of the post's publishing jobs, oldest first."""
    jobs = await app.job_manager.list_jobs_async(task=TASK_NAME)
    return [
        str(job.status)
        for job in sorted(jobs, key=lambda job: job.id or 0)
        if job.task_kwargs.get("post_id") == post_pk
    ]


def near(shown: object, moment: dt.datetime) -> bool:
    """Whether the API's time (whole seconds, Copenhagen) is `moment`."""
    return abs(dt.datetime.fromisoformat(str(shown)) - moment) < dt.timedelta(seconds=1)


def pk(post: dict[str, object]) -> int:
    return int(editing.from_global_id(str(post["id"]))[1])


async def test_a_scheduled_post_goes_live_at_its_time_with_a_worker_running(
    desk: Desk,
    editor: GraphQL,
    gql: GraphQL,
    settings_for_jobs: Settings,
    stopped_clock: TestClock,
) -> None:
    at = stopped_clock.now() + HOUR
    post = await scheduled(desk, at)
    await stopped_clock.advance(HOUR - SECOND)
    await run_due_jobs()
    assert (await gql.data(POST, slug=post["slug"]))["post"] is None

    async def public() -> dict[str, object] | None:
        found: dict[str, object] | None = (await gql.data(POST, slug=post["slug"]))["post"]
        return found

    await stopped_clock.advance(SECOND)
    async with running_worker(settings_for_jobs):
        seen = await eventually(public, timeout_s=10)

    assert seen["status"] == "PUBLISHED"
    assert near(seen["publishedAt"], at)
    assert await publish_jobs(pk(post)) == ["succeeded"]
    editor_view = await editor.data(POST, slug=post["slug"])
    assert editor_view["post"]["publishAt"] is None


async def test_a_rescheduled_post_is_not_published_at_its_old_time(
    desk: Desk, editor: GraphQL, stopped_clock: TestClock
) -> None:
    post = await scheduled(desk, stopped_clock.now() + HOUR)
    later = stopped_clock.now() + 2 * HOUR
    moved = await desk.ok(
        "schedulePost",
        id=post["id"],
        expectedVersion=post["version"],
        publishAt=later.isoformat(),
    )
    await stopped_clock.advance(HOUR + SECOND)
    await run_due_jobs()

    seen = (await editor.data(POST, slug=moved["slug"]))["post"]
    assert seen["status"] == "SCHEDULED"
    assert near(seen["publishAt"], later)
    assert await publish_jobs(pk(post)) == ["cancelled", "todo"]


async def test_an_unpublished_post_is_not_published_at_its_time(
    desk: Desk, editor: GraphQL, stopped_clock: TestClock
) -> None:
    post = await scheduled(desk, stopped_clock.now() + HOUR)
    draft = await desk.ok("unpublishPost", id=post["id"], expectedVersion=post["version"])
    await stopped_clock.advance(HOUR + SECOND)
    await run_due_jobs()

    seen = (await editor.data(POST, slug=draft["slug"]))["post"]
    assert (seen["status"], seen["publishedAt"]) == ("DRAFT", None)
    assert await publish_jobs(pk(post)) == ["cancelled"]


async def come_due(post: dict[str, object]) -> str:
    """Move a scheduled post's time just into the past (rather than wait); that time, ISO."""
    due = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await models.Post.filter(id=pk(post)).update(publish_at=due)
    return due.isoformat()


async def test_a_publishing_job_that_runs_twice_publishes_once(desk: Desk) -> None:
    post = await scheduled(desk, soon(3600))
    publish_at = await come_due(post)
    row = await models.Post.get(id=pk(post))

    await publish_scheduled_post(post_id=row.id, publish_at=publish_at)
    await publish_scheduled_post(post_id=row.id, publish_at=publish_at)

    row = await models.Post.get(id=row.id)
    assert row.status is models.PostStatus.PUBLISHED
    revisions = await models.PostRevision.filter(post_id=row.id).order_by("version")
    assert [revision.actor for revision in revisions][-1] == "scheduler"
    assert (
        sum(revision.changes.get("status", {}).get("new") == "PUBLISHED" for revision in revisions)
        == 1
    )


async def test_a_job_for_a_deleted_post_ends_quietly(desk: Desk) -> None:
    post = await scheduled(desk, soon(3600))
    publish_at = await come_due(post)
    await desk.clear()
    await publish_scheduled_post(post_id=pk(post), publish_at=publish_at)
    assert not await models.Post.exists(id=pk(post))


async def test_a_rolled_back_schedule_leaves_no_job_and_a_committed_one_exactly_one(
    desk: Desk,
) -> None:
    post = await desk.post()
    post_pk = pk(post)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        async with db.transaction():
            await editing_posts.schedule_post("test", post_pk, post["version"], soon(3600))
            raise Abandon
    assert await publish_jobs(post_pk) == []
    assert (await models.Post.get(id=post_pk)).status is models.PostStatus.DRAFT

    async with db.transaction():
        await editing_posts.schedule_post("test", post_pk, post["version"], soon(3600))
    assert await publish_jobs(post_pk) == ["todo"]

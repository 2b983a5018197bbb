"""Scheduled publishing: a post scheduled for `publishAt` goes live then, once."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from graph import clock, db, models
from graph.editing.posts import publish_post
from graph.events import Event, EventType
from graph.jobs.engine import BACKOFF, app, cancel_waiting, defer, is_waiting, waiting_jobs

log = logging.getLogger(__name__)

ACTOR = "scheduler"
TASK_NAME = "publish_scheduled_post"


# A lost database connection is retried with backoff until the database is back; a missing
# or moved post is not an error, and a bug fails at once so admins see it in `jobs.failed`.
@app.task(name=TASK_NAME, retry=BACKOFF)
async def publish_scheduled_post(post_id: int, publish_at: str) -> None:
    """Publish the post if it is still scheduled for `publish_at` (ISO, UTC).

    A post that was rescheduled, unpublished or deleted since ends the job quietly, and a
    second run finds it published: a job that runs twice publishes once.
    """
    async with db.transaction():
        post = await models.Post.select_for_update().get_or_none(id=post_id)
        if post is None or post.status is not models.PostStatus.SCHEDULED:
            return
        if post.publish_at is None or _utc_iso(post.publish_at) != publish_at:
            return
        if post.publish_at > clock.now():
            # Run early (an in-process queue restored before its time): come back then.
            await defer(
                publish_scheduled_post, at=post.publish_at, post_id=post_id, publish_at=publish_at
            )
            return
        await publish_post(ACTOR, post.id, post.version, published_at=post.publish_at)
    log.info("published scheduled post %s", post_id)


async def on_event(event: Event) -> None:
    """A post scheduled (or rescheduled) gets a job at its time."""
    if event.type is not EventType.POST_SCHEDULED:
        return
    await _defer_publishing(await models.Post.get(id=event.pk))


async def on_post_write(post_id: int, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A post no longer scheduled for the same time loses its waiting publish job."""
    if before.get("status") == "SCHEDULED" and (
        after["status"] != "SCHEDULED" or before["publishAt"] != after["publishAt"]
    ):
        await cancel_scheduled(post_id)


async def cancel_scheduled(post_id: int) -> None:
    """Cancel the post's waiting publish jobs (it was rescheduled or unpublished)."""
    await cancel_waiting(publish_scheduled_post, post_id=post_id)


async def requeue_due() -> int:
    """Defer a job for every scheduled post that has none waiting; how many it deferred.

    A job that still waits for the post's current time counts; one for an older time would
    end quietly, so it does not.
    """
    waiting = await waiting_jobs(publish_scheduled_post)
    scheduled = models.Post.filter(status=models.PostStatus.SCHEDULED, publish_at__isnull=False)
    deferred = 0
    for post in await scheduled:
        assert post.publish_at is not None
        if not is_waiting(waiting, post_id=post.id, publish_at=_utc_iso(post.publish_at)):
            await _defer_publishing(post)
            deferred += 1
    return deferred


async def _defer_publishing(post: models.Post) -> None:
    assert post.publish_at is not None
    await defer(
        publish_scheduled_post,
        at=post.publish_at,
        post_id=post.id,
        publish_at=_utc_iso(post.publish_at),
    )


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()

"""Scheduled publishing: a post scheduled for `publishAt` goes live then, once."""

from __future__ import annotations

import datetime as dt
import logging

from procrastinate import RetryStrategy
from tortoise import timezone
from tortoise.exceptions import DBConnectionError, OperationalError

from graph import db, models
from graph.editing.posts import publish_post
from graph.events import Event, EventType
from graph.jobs.engine import app, cancel_waiting, defer

log = logging.getLogger(__name__)

ACTOR = "scheduler"
TASK_NAME = "publish_scheduled_post"


# A database hiccup is worth a few quick retries; a missing or moved post is not an error,
# and a bug (a TypeError, say) fails at once so admins see it in `jobs.failed`.
RETRY = RetryStrategy(
    max_attempts=10, exponential_wait=2, retry_exceptions={DBConnectionError, OperationalError}
)


@app.task(name=TASK_NAME, retry=RETRY)
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
        if post.publish_at > timezone.now():
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


async def cancel_scheduled(post_id: int) -> None:
    """Cancel the post's waiting publish jobs (it was rescheduled or unpublished)."""
    await cancel_waiting(publish_scheduled_post, post_id=post_id)


async def requeue_due() -> None:
    """Defer a job for every scheduled post (the embedded mode's start-up)."""
    scheduled = models.Post.filter(status=models.PostStatus.SCHEDULED, publish_at__isnull=False)
    for post in await scheduled:
        await _defer_publishing(post)


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

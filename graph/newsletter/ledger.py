"""The sent ledger: one row per subscriber and post, claimed by one worker at a time.

A row is made when the post is published; a worker claims it for a lease, mails it, and
marks it sent. A claim whose lease ran out (its worker died) may be taken over, so a mail is
neither lost nor, short of a worker dying between the SMTP server's yes and `mark_sent`, sent
twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise import timezone
from tortoise.expressions import F, Q

from graph import models
from graph.read import sql


@dataclass(frozen=True)
class PostNews:
    """What a post mail tells: the relay and the post."""

    post_id: int
    post_slug: str
    title: str
    teaser: str
    relay_slug: str
    relay_title: str


# Set-based and idempotent: a subscriber who already has a row for the post (mailed before
# an unpublish, say) gets no second one.
_ADD_RECIPIENTS = """
INSERT INTO newsletter_send (subscriber_id, post_id, created_at, attempts)
SELECT s.id, ?, ?, 0
FROM subscriber s JOIN subscription sub ON sub.subscriber_id = s.id
WHERE sub.relay_id = ? AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL
  AND NOT EXISTS (
    SELECT 1 FROM newsletter_send n WHERE n.subscriber_id = s.id AND n.post_id = ?)
ON CONFLICT (subscriber_id, post_id) DO NOTHING
"""


async def add_recipients(post_id: int, relay_id: int) -> bool:
    """Ledger rows for the relay's confirmed subscribers; whether the post has unsent rows."""
    await sql.execute(_ADD_RECIPIENTS, [post_id, timezone.now(), relay_id, post_id])
    return await models.NewsletterSend.filter(post_id=post_id, sent_at__isnull=True).exists()


async def published_post(post_id: int) -> PostNews | None:
    """The post and its relay if the post is published (else nothing is mailed now)."""
    post = await models.Post.get_or_none(id=post_id).select_related("relay")
    if post is None or post.status is not models.PostStatus.PUBLISHED:
        return None
    relay = post.relay
    return PostNews(post.id, post.slug, post.title, post.teaser, relay.slug, relay.title)


async def unsent(post_id: int) -> list[int]:
    """Ids of the post's rows not sent yet, the least tried first (so none starves)."""
    rows = await (
        models.NewsletterSend.filter(post_id=post_id, sent_at__isnull=True)
        .order_by("attempts", "id")
        .values_list("id")
    )
    return [pk for (pk,) in rows]


async def claim(send_id: int, worker: str, lease: dt.timedelta) -> bool:
    """Take the row for `lease` if it is unsent and nobody holds it; whether it is ours."""
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    taken = await models.NewsletterSend.filter(free, id=send_id, sent_at__isnull=True).update(
        claimed_by=worker, claimed_until=now + lease, attempts=F("attempts") + 1
    )
    return taken == 1


async def recipient(send_id: int) -> models.Subscriber | None:
    """The row's subscriber if still confirmed and subscribed (they may have left since)."""
    return await models.Subscriber.get_or_none(
        sends__id=send_id, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )


async def mark_sent(send_id: int, worker: str) -> None:
    """The SMTP server took the mail: the row is done."""
    await models.NewsletterSend.filter(id=send_id, claimed_by=worker).update(
        sent_at=timezone.now(), claimed_until=None, last_error=None
    )


async def release(send_id: int, worker: str, error: str) -> None:
    """Sending failed: give the row back for a later try, noting why."""
    await models.NewsletterSend.filter(id=send_id, claimed_by=worker).update(
        claimed_by=None, claimed_until=None, last_error=error[:2000]
    )


async def forget(send_id: int, worker: str) -> None:
    """Drop a claimed row whose subscriber left before it was sent: nothing is due."""
    await models.NewsletterSend.filter(id=send_id, claimed_by=worker, sent_at__isnull=True).delete()


async def others_hold_until(post_id: int, worker: str) -> dt.datetime | None:
    """When the last live claim by another worker on the post's unsent rows runs out."""
    rows = await (
        models.NewsletterSend.filter(
            post_id=post_id, sent_at__isnull=True, claimed_until__gt=timezone.now()
        )
        .exclude(claimed_by=worker)
        .order_by("-claimed_until")
        .limit(1)
        .values_list("claimed_until")
    )
    until: dt.datetime | None = rows[0][0] if rows else None
    return until


async def posts_with_unsent() -> list[int]:
    """Published posts with rows still to mail."""
    rows = await (
        models.NewsletterSend.filter(sent_at__isnull=True, post__status=models.PostStatus.PUBLISHED)
        .distinct()
        .values_list("post_id")
    )
    return [pk for (pk,) in rows]

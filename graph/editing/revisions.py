"""Post revisions: a snapshot of the editable state after each write, and what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from graph import models

# The fields a revision shows as changed, as the API names them.
TRACKED = (
    "title",
    "slug",
    "teaser",
    "body",
    "category",
    "bylines",
    "status",
    "publishedAt",
    "publishAt",
)

# `state` also keeps `teaserDerived`, which restoring needs and editors need not see.
State = dict[str, Any]
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


async def snapshot(post: models.Post) -> State:
    """The post's tracked fields as JSON-ready values (slugs for related rows)."""
    category = None
    if post.category_id is not None:  # type: ignore[attr-defined]
        category = await models.Category.get(id=post.category_id).values_list(  # type: ignore[attr-defined]
            "slug", flat=True
        )
    bylines = await (
        models.Byline.filter(post_id=post.id)
        .order_by("position")
        .values("author__slug", "role", "organization__slug")
    )
    return {
        "title": post.title,
        "slug": post.slug,
        "teaser": post.teaser,
        "teaserDerived": post.teaser_derived,
        "body": post.body,
        "category": category,
        "bylines": [
            {
                "author": b["author__slug"],
                "role": b["role"],
                "organization": b["organization__slug"],
            }
            for b in bylines
        ],
        "status": str(post.status).upper(),
        "publishedAt": _copenhagen(post.published_at),
        "publishAt": _copenhagen(post.publish_at),
    }


def _copenhagen(moment: dt.datetime | None) -> str | None:
    # As the API shows times: ISO 8601 in Copenhagen time.
    return None if moment is None else moment.astimezone(COPENHAGEN).isoformat()


def changes(before: State, after: State) -> dict[str, dict[str, Any]]:
    """The tracked fields whose value differs, with old and new values."""
    return {
        field: {"old": before.get(field), "new": after[field]}
        for field in TRACKED
        if before.get(field) != after[field]
    }


async def record(post: models.Post, actor: str, before: State, after: State) -> None:
    """Store the revision for a write that took the post to its current version."""
    await models.PostRevision.create(
        post_id=post.id,
        version=post.version,
        actor=actor,
        changes=changes(before, after),
        state=after,
    )

"""Post revisions: a snapshot of the editable state after each write, and what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import orjson

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
    "pending",
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
        "pending": await pending_state(post.id),
    }


async def pending_state(post_id: int) -> dict[str, Any] | None:
    """The staged edit's changed fields as a revision shows them (slugs for related rows)."""
    pending = await models.PostPending.get_or_none(post_id=post_id)
    if pending is None:
        return None
    values: dict[str, Any] = {
        "title": pending.title,
        "slug": pending.slug,
        "teaser": pending.teaser,
        "body": pending.body,
    }
    if "category" in pending.changed:
        category_id = pending.category_id  # type: ignore[attr-defined]
        slugs = await models.Category.filter(id=category_id).values_list("slug", flat=True)
        values["category"] = slugs[0] if slugs else None
    if "bylines" in pending.changed:
        values["bylines"] = await _byline_slugs(pending.bylines)
    return {name: values[name] for name in pending.changed}


async def _byline_slugs(bylines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    authors = dict(
        await models.Author.filter(id__in=[b["author_id"] for b in bylines]).values_list(
            "id", "slug"
        )
    )
    organization_ids = [b["organization_id"] for b in bylines if b["organization_id"]]
    organizations = dict(
        await models.Organization.filter(id__in=organization_ids).values_list("id", "slug")
    )
    return [
        {
            "author": authors.get(b["author_id"]),
            "role": b["role"],
            "organization": organizations.get(b["organization_id"]),
        }
        for b in bylines
    ]


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


def changes_in_order(stored: Any) -> list[tuple[str, Any]]:
    """A revision's stored `changes` as (field, {old, new}) pairs in the post's field order."""
    return sorted(_json(stored).items(), key=_field_order)


def _field_order(item: tuple[str, Any]) -> int:
    # JSONB does not keep key order; show changes in the post's field order on every backend.
    return TRACKED.index(item[0]) if item[0] in TRACKED else len(TRACKED)


def _json(value: Any) -> Any:
    # PostgreSQL returns JSONB decoded; SQLite returns the text.
    return orjson.loads(value) if isinstance(value, str | bytes) else value

"""Staged edits of published posts: kept as the post's pending version until it is published.

`stage_post` keeps an edit beside the live post instead of changing it; `publish_post`
(graph.editing.posts) makes it live; `discard_pending` drops it. The live post, and so every
anonymous and cached answer, stays as it is until then. Staging and discarding still bump the
post's `version` (editors must not overwrite each other's staged edits unseen) and record a
revision whose `pending` field shows the staged fields.
"""

from __future__ import annotations

from typing import Any

from tortoise import timezone

from graph import models
from graph.cache import invalidation
from graph.editing import revisions
from graph.editing.checks import Checks
from graph.editing.errors import Code
from graph.editing.posts import (
    PostFields,
    apply_text,
    check_post_fields,
    locked_post,
    resolve_references,
)
from graph.editing.records import ensure_free_slug
from graph.read.columns import PENDING_CONTENT

# The content columns a pending version holds, besides its bylines.
CONTENT = PENDING_CONTENT
BylineRows = list[dict[str, Any]]


async def stage_post(
    actor: str, post_id: int, expected_version: int, fields: PostFields, max_body_chars: int
) -> models.Post:
    """Keep an edit of a published post as its pending version (on top of one already staged).

    An edit that brings every field back to the live value drops the pending version.
    """
    post = await locked_post(post_id, expected_version)
    checks = Checks()
    if post.status is not models.PostStatus.PUBLISHED:
        checks.fail(
            ["stage"],
            "only a published post keeps staged changes; edit this one directly",
            Code.INVALID,
        )
    check_post_fields(checks, fields, max_body_chars, creating=False)
    resolved = await resolve_references(checks, fields)
    checks.done()
    if "slug" in fields and fields["slug"] != post.slug:
        await ensure_free_slug(models.Post, "post", fields["slug"], post.id)
    pending = await models.PostPending.get_or_none(post_id=post.id)
    live_bylines = await _live_bylines(post.id)
    proposed = _copy(post.id, pending or post)
    bylines = pending.bylines if pending is not None else live_bylines
    if "title" in fields:
        proposed.title = fields["title"].strip()
    if "slug" in fields:
        proposed.slug = fields["slug"]
    await apply_text(proposed, fields, max_body_chars)
    if "category" in fields:
        proposed.category_id = resolved.category_id
    if resolved.bylines is not None:
        bylines = [
            {"author_id": author, "role": role, "organization_id": organization}
            for author, role, organization in resolved.bylines
        ]
    before = await revisions.snapshot(post)
    changed = _changed(post, live_bylines, proposed, bylines)
    await _keep(post, actor, pending, proposed, bylines, changed)
    return await _record(post, actor, before)


async def discard_pending(actor: str, post_id: int, expected_version: int) -> models.Post:
    """Drop the post's staged edit; without one, nothing is written."""
    post = await locked_post(post_id, expected_version)
    before = await revisions.snapshot(post)
    await models.PostPending.filter(post_id=post.id).delete()
    return await _record(post, actor, before)


def _copy(post_id: int, source: models.Post | models.PostPending) -> models.Post:
    """An unsaved post holding the source's content, for the edit to be applied to."""
    copy = models.Post(id=post_id)
    for name in CONTENT:
        setattr(copy, name, getattr(source, name))
    return copy


async def _live_bylines(post_id: int) -> BylineRows:
    rows = await (
        models.Byline.filter(post_id=post_id)
        .order_by("position")
        .values("author_id", "role", "organization_id")
    )
    return [dict(row) for row in rows]


def _changed(
    post: models.Post, live_bylines: BylineRows, proposed: models.Post, bylines: BylineRows
) -> list[str]:
    """The API names of the fields where the proposed content differs from the live one."""
    differs = {
        "title": proposed.title != post.title,
        "slug": proposed.slug != post.slug,
        "teaser": (proposed.teaser, proposed.teaser_derived) != (post.teaser, post.teaser_derived),
        "body": proposed.body != post.body,
        "category": proposed.category_id != post.category_id,  # type: ignore[attr-defined]
        "bylines": bylines != live_bylines,
    }
    return [name for name, different in differs.items() if different]


async def _keep(
    post: models.Post,
    actor: str,
    pending: models.PostPending | None,
    proposed: models.Post,
    bylines: BylineRows,
    changed: list[str],
) -> None:
    """Store the proposed content as the pending version, or drop it if nothing differs."""
    if not changed:
        if pending is not None:
            await pending.delete()
        return
    values: dict[str, Any] = {name: getattr(proposed, name) for name in CONTENT}
    values.update(bylines=bylines, changed=changed)
    if pending is not None and all(getattr(pending, k) == v for k, v in values.items()):
        return  # the same edit staged again: nothing to write
    if pending is None:
        pending = models.PostPending(post_id=post.id)
    for name, value in values.items():
        setattr(pending, name, value)
    pending.staged_by = actor
    pending.staged_at = timezone.now()
    await pending.save()


async def _record(post: models.Post, actor: str, before: revisions.State) -> models.Post:
    """Bump the version and record a revision if the pending version changed."""
    after = await revisions.snapshot(post)
    if after == before:
        return post
    post.version += 1
    await post.save(update_fields=["version", "updated_at"])
    await revisions.record(post, actor, before, after)
    await invalidation.post_staged(post)
    return post

"""Writing posts: drafts, edits, bylines, the publishing life cycle and revisions.

Every function here runs inside the caller's transaction (one per mutation) and either
writes everything it was asked to or raises an EditError having written nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph import clock, events, models
from graph.cache import invalidation
from graph.content import (
    HTMLTooLarge,
    derive_teaser,
    max_html_bytes,
    render_markdown,
    strip_markup,
    word_count,
)
from graph.editing import revisions, slug_history
from graph.editing.checks import Checks
from graph.editing.errors import Code, FieldError, NotFound, ValidationFailed
from graph.editing.legs import renumber_legs
from graph.editing.records import ensure_free_slug, ids_by_slug, locked
from graph.read.columns import PENDING_CONTENT
from graph.search_index import reindex_posts
from graph.slugs import unique_post_slug

MAX_BYLINES = 20
MAX_TITLE = 300
MAX_TEASER = 1000
MAX_ROLE = 300


@dataclass(frozen=True)
class BylineSpec:
    """One byline as an editor gives it: slugs of the author and (optionally) organisation."""

    author: str
    role: str | None = None
    organization: str | None = None


# Editable post fields by API name: title, slug, teaser, body, category (a slug or None)
# and bylines (a list of BylineSpec). An absent key leaves the field as it is.
PostFields = Mapping[str, Any]


@dataclass
class _Resolved:
    """The rows an input's slugs name, looked up before anything is written."""

    category_id: int | None = None
    bylines: list[tuple[int, str | None, int | None]] | None = None


async def create_post(
    actor: str, relay: str, fields: PostFields, max_body_chars: int
) -> models.Post:
    """A new draft in the relay with this slug (a body of at most `max_body_chars`)."""
    checks = Checks()
    relay_row = await models.Relay.get_or_none(slug=relay)
    if relay_row is None:
        checks.fail(["relay"], f"no relay with the slug {relay!r}", Code.UNKNOWN)
    check_post_fields(checks, fields, max_body_chars, creating=True)
    resolved = await resolve_references(checks, fields)
    checks.done()
    assert relay_row is not None
    slug = fields.get("slug") or await unique_post_slug(fields["title"])
    await ensure_free_slug(models.Post, "post", slug, None)
    post = models.Post(relay=relay_row, slug=slug, title=fields["title"].strip())
    await apply_text(post, fields, max_body_chars)
    post.category_id = resolved.category_id
    await post.save()
    if resolved.bylines is not None:
        await _replace_bylines(post, resolved.bylines)
    await _finish(post, actor, {}, await revisions.snapshot(post))
    return post


async def update_post(
    actor: str, post_id: int, expected_version: int, fields: PostFields, max_body_chars: int
) -> models.Post:
    """Change a post's content fields and bylines; unchanged input writes nothing."""
    post = await locked_post(post_id, expected_version)
    checks = Checks()
    if await models.PostPending.exists(post_id=post.id):
        # The pending version holds whole fields: a live edit beside it would be undone
        # when it is published.
        checks.fail(
            ["stage"],
            "the post has staged changes: stage this edit too, or publish or discard them first",
            Code.INVALID,
        )
    check_post_fields(checks, fields, max_body_chars, creating=False)
    resolved = await resolve_references(checks, fields)
    checks.done()
    if "slug" in fields and fields["slug"] != post.slug:
        await ensure_free_slug(models.Post, "post", fields["slug"], post.id)
    before = await revisions.snapshot(post)
    if "title" in fields:
        post.title = fields["title"].strip()
    if "slug" in fields and fields["slug"] != post.slug:
        await slug_history.retire(slug_history.Kind.POST, post.id, post.slug, fields["slug"])
        post.slug = fields["slug"]
    await apply_text(post, fields, max_body_chars)
    if "category" in fields:
        post.category_id = resolved.category_id
    if resolved.bylines is not None and _byline_state(fields["bylines"]) != before["bylines"]:
        await _replace_bylines(post, resolved.bylines)
    return await _save_if_changed(post, actor, before)


async def publish_post(
    actor: str, post_id: int, expected_version: int, published_at: dt.datetime | None = None
) -> models.Post:
    """Make a post public now (or at the given past time), with its leg in the relay.

    A staged edit (the pending version) becomes the live post in the same write.
    """
    post = await locked_post(post_id, expected_version)
    pending = await models.PostPending.get_or_none(post_id=post.id)
    checks = Checks()
    check_publishable(checks, (pending or post).body)
    if published_at is not None and published_at > clock.now():
        checks.fail(["publishedAt"], "must not be in the future; use schedulePost", Code.INVALID)
    checks.done()
    if pending is not None and pending.slug != post.slug:
        await ensure_free_slug(models.Post, "post", pending.slug, post.id)
    before = await revisions.snapshot(post)
    if pending is not None:
        await _apply_pending(post, pending)
    post.published_at = _utc(published_at) or post.published_at or clock.now()
    post.status = models.PostStatus.PUBLISHED
    post.publish_at = None
    return await _save_if_changed(post, actor, before)


async def schedule_post(
    actor: str, post_id: int, expected_version: int, publish_at: dt.datetime
) -> models.Post:
    """Store when a draft goes live; the scheduling worker publishes it then."""
    post = await locked_post(post_id, expected_version)
    checks = Checks()
    check_publishable(checks, post.body)
    checks.future(["publishAt"], publish_at, clock.now())
    if post.status is models.PostStatus.PUBLISHED:
        checks.fail(["id"], "the post is already published; unpublish it first", Code.INVALID)
    checks.done()
    before = await revisions.snapshot(post)
    post.status = models.PostStatus.SCHEDULED
    post.publish_at = _utc(publish_at)
    return await _save_if_changed(post, actor, before)


async def unpublish_post(actor: str, post_id: int, expected_version: int) -> models.Post:
    """Take a post (published or scheduled) back to draft; it keeps its first publish date."""
    return await _move(actor, post_id, expected_version, models.PostStatus.DRAFT)


async def archive_post(actor: str, post_id: int, expected_version: int) -> models.Post:
    """Withdraw a post for good without deleting it; it can be published again."""
    return await _move(actor, post_id, expected_version, models.PostStatus.ARCHIVED)


async def restore_revision(
    actor: str, revision_id: int, expected_version: int, max_body_chars: int
) -> models.Post:
    """Bring back a revision's content (not its status) as a new revision."""
    revision = await models.PostRevision.get_or_none(id=revision_id)
    if revision is None:
        raise NotFound("revision", revision_id)
    state = revision.state
    fields: dict[str, Any] = {name: state[name] for name in ("title", "slug", "body", "category")}
    fields["bylines"] = [BylineSpec(**byline) for byline in state["bylines"]]
    # A derived teaser is derived again from the restored body; a written one comes back.
    fields["teaser"] = None if state["teaserDerived"] else state["teaser"]
    post_id = revision.post_id  # type: ignore[attr-defined]
    return await update_post(actor, post_id, expected_version, fields, max_body_chars)


async def _apply_pending(post: models.Post, pending: models.PostPending) -> None:
    """Make the staged edit the live content, and drop it."""
    for name in PENDING_CONTENT:
        setattr(post, name, getattr(pending, name))
    if "bylines" in pending.changed:
        bylines = [(b["author_id"], b["role"], b["organization_id"]) for b in pending.bylines]
        await _replace_bylines(post, bylines)
    await pending.delete()


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite keeps a timestamp as the text it was given, offset and all, and the read layer
    # compares that text: store every time in UTC so text order is time order.
    return None if moment is None else moment.astimezone(dt.UTC)


async def locked_post(post_id: int, expected_version: int) -> models.Post:
    """The post, locked for this transaction, if the caller saw its current version."""
    return await locked(models.Post, "post", post_id, expected_version)


async def _move(
    actor: str, post_id: int, expected_version: int, status: models.PostStatus
) -> models.Post:
    post = await locked_post(post_id, expected_version)
    before = await revisions.snapshot(post)
    post.status = status
    post.publish_at = None
    return await _save_if_changed(post, actor, before)


def check_post_fields(
    checks: Checks, fields: PostFields, max_body_chars: int, creating: bool
) -> None:
    """Field-level rules that need no database (MAX_BODY_CHARS is `max_body_chars`)."""
    if creating or "title" in fields:
        checks.text(["title"], fields.get("title"), MAX_TITLE, required=True)
    checks.not_null(fields, "slug")
    checks.slug(["slug"], fields.get("slug"))
    checks.text(["teaser"], fields.get("teaser"), MAX_TEASER)
    checks.text(["body"], fields.get("body"), max_body_chars)
    bylines = fields.get("bylines") or []
    checks.count(["bylines"], bylines, MAX_BYLINES)
    authors = [byline.author for byline in bylines]
    for index, byline in enumerate(bylines):
        checks.text(["bylines", index, "role"], byline.role, MAX_ROLE)
        if byline.author in authors[:index]:
            checks.fail(["bylines", index, "author"], "names the author twice", Code.DUPLICATE)


async def resolve_references(checks: Checks, fields: PostFields) -> _Resolved:
    """Look up the category and byline slugs, recording unknown ones."""
    resolved = _Resolved()
    if fields.get("category") is not None:
        category = await models.Category.get_or_none(slug=fields["category"])
        if category is None:
            checks.fail(["category"], f"no category {fields['category']!r}", Code.UNKNOWN)
        else:
            resolved.category_id = category.id
    if fields.get("bylines") is not None:
        resolved.bylines = await _resolve_bylines(checks, fields["bylines"])
    return resolved


async def _resolve_bylines(
    checks: Checks, bylines: list[BylineSpec]
) -> list[tuple[int, str | None, int | None]]:
    authors = await ids_by_slug(models.Author, [b.author for b in bylines])
    organizations = await ids_by_slug(
        models.Organization, [b.organization for b in bylines if b.organization]
    )
    rows: list[tuple[int, str | None, int | None]] = []
    for index, byline in enumerate(bylines):
        if byline.author not in authors:
            checks.fail(["bylines", index, "author"], f"no author {byline.author!r}", Code.UNKNOWN)
        if byline.organization and byline.organization not in organizations:
            checks.fail(
                ["bylines", index, "organization"],
                f"no organisation {byline.organization!r}",
                Code.UNKNOWN,
            )
        organization = organizations.get(byline.organization) if byline.organization else None
        rows.append((authors.get(byline.author, 0), byline.role or None, organization))
    return rows


def check_publishable(checks: Checks, body: str) -> None:
    """A post goes public only with a body."""
    if not body.strip():
        checks.fail(["body"], "a post needs a body before it can be published", Code.REQUIRED)


async def apply_text(post: models.Post, fields: PostFields, max_body_chars: int) -> None:
    """Body, HTML and teaser; a teaser not given is cut from the body (and kept in step).

    Rendering and cutting a long body take tens of milliseconds: they run in a thread, so the
    event loop keeps answering other requests meanwhile. A body whose HTML would pass
    `max_html_bytes` is refused (ValidationFailed on `body`): every answer's size is bounded.
    """
    if "body" in fields:
        post.body = fields["body"] or ""
        limit = max_html_bytes(max_body_chars)
        try:
            post.html = await asyncio.to_thread(render_markdown, post.body, limit)
        except HTMLTooLarge as error:
            raise ValidationFailed([FieldError(("body",), str(error), Code.TOO_LONG)]) from error
        post.word_count = await asyncio.to_thread(word_count, post.html)
    if "teaser" in fields:
        # A teaser is plain text; frontends may still drop it into HTML unescaped.
        teaser = strip_markup(fields["teaser"] or "")
        post.teaser_derived = not teaser
        post.teaser = teaser
    elif post.id is None:
        post.teaser_derived = True
    if post.teaser_derived:
        post.teaser = await asyncio.to_thread(derive_teaser, post.body)


def _byline_state(bylines: list[BylineSpec]) -> list[dict[str, str | None]]:
    """Bylines as a revision records them, to tell whether an edit changes them."""
    return [
        {"author": b.author, "role": b.role or None, "organization": b.organization or None}
        for b in bylines
    ]


async def _replace_bylines(
    post: models.Post, bylines: list[tuple[int, str | None, int | None]]
) -> None:
    await models.Byline.filter(post_id=post.id).delete()
    await models.Byline.bulk_create(
        [
            models.Byline(
                post_id=post.id,
                position=position,
                author_id=author_id,
                role=role,
                organization_id=organization_id,
            )
            for position, (author_id, role, organization_id) in enumerate(bylines, start=1)
        ]
    )


async def _save_if_changed(post: models.Post, actor: str, before: revisions.State) -> models.Post:
    """Save and record a revision if anything changed; otherwise write nothing."""
    after = await revisions.snapshot(post)
    if after == before:
        return post
    post.version += 1
    await post.save()
    await _finish(post, actor, before, after)
    return post


async def _finish(
    post: models.Post, actor: str, before: revisions.State, after: revisions.State
) -> None:
    """What every post write ends with: legs, the search index and the revision."""
    if any(before.get(name) != after[name] for name in ("status", "publishedAt")):
        await renumber_legs(post.relay_id)  # type: ignore[attr-defined]
    await reindex_posts([post.id])
    await revisions.record(post, actor, before, after)
    await events.post_saved(post, before, after)
    await invalidation.post_written(post, before, after)

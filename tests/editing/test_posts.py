"""graph.editing.posts: drafts, edits, bylines and the publishing life cycle, called directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, MAX_BODY, START, Rows, tagged_rows, write
from tortoise import timezone

from graph import models
from graph.editing import posts
from graph.editing.errors import Code, ValidationFailed, VersionConflict
from graph.editing.posts import BylineSpec


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def _draft(rows: Rows, relay: models.Relay, **fields: object) -> models.Post:
    values = {"title": "Et udkast", "slug": rows.slug("udkast"), "body": "Første **afsnit**."}
    return await write(lambda: posts.create_post(ACTOR, relay.slug, {**values, **fields}, MAX_BODY))


async def test_a_new_draft_has_rendered_html_a_cut_teaser_and_a_first_revision(
    rows: Rows,
) -> None:
    relay = await rows.relay()
    author = await rows.author()
    post = await _draft(rows, relay, bylines=[BylineSpec(author.slug, "chef")])
    assert post.status is models.PostStatus.DRAFT and post.leg is None
    assert post.html == "<p>Første <strong>afsnit</strong>.</p>\n"
    assert post.teaser == "Første afsnit." and post.teaser_derived
    byline = await models.Byline.get(post_id=post.id)
    assert (byline.author_id, byline.role, byline.position) == (author.id, "chef", 1)  # type: ignore[attr-defined]
    revision = await models.PostRevision.get(post_id=post.id)
    assert (revision.version, revision.actor) == (1, ACTOR)


async def test_a_draft_with_several_bad_fields_names_each_and_writes_nothing(rows: Rows) -> None:
    author = await rows.author()
    slug = rows.slug("udkast")
    fields = {
        "title": "",
        "slug": slug,
        "category": rows.slug("intet-emne"),
        "bylines": [BylineSpec(author.slug), BylineSpec(author.slug), BylineSpec("ingen")],
    }
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: posts.create_post(ACTOR, rows.slug("ingen-stafet"), fields, MAX_BODY))
    assert {(".".join(e.path), e.code) for e in refused.value.errors} == {
        ("relay", Code.UNKNOWN),
        ("title", Code.REQUIRED),
        ("category", Code.UNKNOWN),
        ("bylines.1.author", Code.DUPLICATE),
        ("bylines.2.author", Code.UNKNOWN),
    }
    assert not await models.Post.exists(slug=slug)


async def test_publishing_sets_published_at_and_numbers_legs_by_publication_time(
    rows: Rows,
) -> None:
    relay = await rows.relay()
    first, second = await _draft(rows, relay), await _draft(rows, relay)
    second = await write(lambda: posts.publish_post(ACTOR, second.id, second.version, START))
    assert second.status is models.PostStatus.PUBLISHED
    assert second.published_at == START and second.version == 2
    earlier = START - dt.timedelta(days=1)
    await write(lambda: posts.publish_post(ACTOR, first.id, first.version, earlier))
    legs = dict(await models.Post.filter(relay_id=relay.id).values_list("id", "leg"))
    assert legs == {first.id: 1, second.id: 2}


async def test_publishing_without_a_time_means_now(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay())
    before = timezone.now()
    post = await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version))
    assert post.published_at is not None and before <= post.published_at <= timezone.now()
    assert (await models.Post.get(id=post.id)).leg == 1  # numbered in SQL, so re-read


async def test_a_post_without_a_body_or_with_a_future_time_is_not_published(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay(), body="")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version, tomorrow))
    assert [e.path for e in refused.value.errors] == [("body",), ("publishedAt",)]
    assert (await models.Post.get(id=draft.id)).status is models.PostStatus.DRAFT


async def test_an_edit_from_a_stale_version_is_a_conflict(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay())
    await write(
        lambda: posts.update_post(ACTOR, draft.id, draft.version, {"title": "Ny"}, MAX_BODY)
    )
    with pytest.raises(VersionConflict) as conflict:
        await write(
            lambda: posts.update_post(ACTOR, draft.id, draft.version, {"title": "Nyere"}, MAX_BODY)
        )
    assert conflict.value.current_version == 2
    assert (await models.Post.get(id=draft.id)).title == "Ny"


async def test_an_edit_that_changes_nothing_writes_no_version_or_revision(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay())
    same = {"title": draft.title, "body": draft.body}
    post = await write(lambda: posts.update_post(ACTOR, draft.id, draft.version, same, MAX_BODY))
    assert post.version == draft.version
    assert await models.PostRevision.filter(post_id=draft.id).count() == 1


async def test_unpublishing_keeps_the_first_publish_date_and_drops_the_leg(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay())
    live = await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version, START))
    post = await write(lambda: posts.unpublish_post(ACTOR, live.id, live.version))
    stored = await models.Post.get(id=post.id)
    assert stored.status is models.PostStatus.DRAFT
    assert stored.published_at == START and stored.leg is None


async def test_scheduling_stores_the_time_and_refuses_a_past_one(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay())
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: posts.schedule_post(ACTOR, draft.id, draft.version, START))
    assert refused.value.errors[0].code is Code.IN_PAST
    due = timezone.now() + dt.timedelta(days=2)
    post = await write(lambda: posts.schedule_post(ACTOR, draft.id, draft.version, due))
    assert post.status is models.PostStatus.SCHEDULED and post.publish_at == due


async def test_restoring_a_revision_brings_back_its_content_as_a_new_version(rows: Rows) -> None:
    draft = await _draft(rows, await rows.relay(), teaser="Skrevet i hånden")
    edited = await write(
        lambda: posts.update_post(
            ACTOR, draft.id, 1, {"title": "Omskrevet", "teaser": None}, MAX_BODY
        )
    )
    first = await models.PostRevision.get(post_id=draft.id, version=1)
    post = await write(lambda: posts.restore_revision(ACTOR, first.id, edited.version, MAX_BODY))
    assert (post.title, post.teaser, post.version) == ("Et udkast", "Skrevet i hånden", 3)

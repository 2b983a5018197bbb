"""graph.editing.staging: a published post's edit waits beside it until it is published."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, MAX_BODY, START, Rows, tagged_rows, write

from graph import models
from graph.editing import posts, staging
from graph.editing.errors import ValidationFailed
from graph.editing.posts import BylineSpec


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def _live(rows: Rows) -> models.Post:
    relay = await rows.relay()
    fields = {"title": "Live titel", "slug": rows.slug("live"), "body": "Live tekst."}
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, fields, MAX_BODY))
    return await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version, START))


async def test_a_staged_edit_leaves_the_live_post_as_it_was(rows: Rows) -> None:
    live = await _live(rows)
    post = await write(
        lambda: staging.stage_post(ACTOR, live.id, live.version, {"title": "Ny titel"}, MAX_BODY)
    )
    stored = await models.Post.get(id=live.id)
    assert (stored.title, stored.body) == ("Live titel", "Live tekst.")
    pending = await models.PostPending.get(post_id=live.id)
    assert pending.title == "Ny titel" and pending.changed == ["title"]
    assert post.version == live.version + 1  # other editors see that something was staged


async def test_publishing_makes_the_staged_edit_live_and_drops_it(rows: Rows) -> None:
    live = await _live(rows)
    author = await rows.author()
    fields = {"body": "Ny tekst.", "bylines": [BylineSpec(author.slug, "gæst")]}
    staged = await write(lambda: staging.stage_post(ACTOR, live.id, live.version, fields, MAX_BODY))
    post = await write(lambda: posts.publish_post(ACTOR, staged.id, staged.version))
    stored = await models.Post.get(id=post.id)
    assert (stored.title, stored.body, stored.published_at) == ("Live titel", "Ny tekst.", START)
    assert await models.Byline.filter(post_id=post.id).values_list("author_id", "role") == [
        (author.id, "gæst")
    ]
    assert not await models.PostPending.exists(post_id=post.id)


async def test_an_edit_back_to_the_live_values_drops_the_pending_version(rows: Rows) -> None:
    live = await _live(rows)
    staged = await write(
        lambda: staging.stage_post(ACTOR, live.id, live.version, {"title": "X"}, MAX_BODY)
    )
    back = {"title": "Live titel"}
    await write(lambda: staging.stage_post(ACTOR, staged.id, staged.version, back, MAX_BODY))
    assert not await models.PostPending.exists(post_id=live.id)


async def test_a_draft_keeps_no_staged_changes(rows: Rows) -> None:
    relay = await rows.relay()
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, {"title": "Kladde"}, MAX_BODY))
    with pytest.raises(ValidationFailed) as refused:
        await write(
            lambda: staging.stage_post(ACTOR, draft.id, draft.version, {"title": "Y"}, MAX_BODY)
        )
    assert refused.value.errors[0].path == ("stage",)


async def test_a_live_edit_beside_a_staged_one_is_refused(rows: Rows) -> None:
    live = await _live(rows)
    staged = await write(
        lambda: staging.stage_post(ACTOR, live.id, live.version, {"title": "X"}, MAX_BODY)
    )
    with pytest.raises(ValidationFailed) as refused:
        await write(
            lambda: posts.update_post(ACTOR, staged.id, staged.version, {"body": "Z"}, MAX_BODY)
        )
    assert refused.value.errors[0].path == ("stage",)


async def test_discarding_drops_the_staged_edit_and_records_a_revision(rows: Rows) -> None:
    live = await _live(rows)
    staged = await write(
        lambda: staging.stage_post(ACTOR, live.id, live.version, {"title": "X"}, MAX_BODY)
    )
    post = await write(lambda: staging.discard_pending(ACTOR, staged.id, staged.version))
    assert not await models.PostPending.exists(post_id=live.id)
    assert post.version == staged.version + 1
    revision = await models.PostRevision.get(post_id=live.id, version=post.version)
    assert revision.changes == {"pending": {"old": {"title": "X"}, "new": None}}
    again = await write(lambda: staging.discard_pending(ACTOR, post.id, post.version))
    assert again.version == post.version  # nothing staged: nothing written

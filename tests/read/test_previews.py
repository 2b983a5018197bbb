"""graph.read.previews: a preview token opens its post with the staged edit laid over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, MAX_BODY, SETTINGS, START, Rows, tagged_rows, write

from graph import clock, models
from graph.editing import posts, previews, staging
from graph.editing.posts import BylineSpec
from graph.read.previews import pending_for_posts, previewed_post
from graph.tokens import token_hash

NOW = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def _live(rows: Rows) -> models.Post:
    relay = await rows.relay()
    fields = {"title": "Live", "slug": rows.slug("live"), "body": "Live tekst."}
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, fields, MAX_BODY))
    return await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version, START))


async def _link(post: models.Post, hours: int = 24) -> str:
    with clock.frozen(NOW):
        link = await write(lambda: previews.create_link(ACTOR, post.id, hours, SETTINGS))
    return token_hash(link.token)


async def test_a_draft_opens_as_it_is(rows: Rows) -> None:
    draft = await rows.post(await rows.relay())
    found = await previewed_post(await _link(draft), NOW)
    assert found is not None and found.bylines is None
    assert (found.row["id"], found.row["status"]) == (draft.id, "draft")


async def test_a_staged_edit_is_laid_over_the_live_post(rows: Rows) -> None:
    live = await _live(rows)
    author = await rows.author()
    fields = {"title": "Staged", "bylines": [BylineSpec(author.slug, "gæst")]}
    await write(lambda: staging.stage_post(ACTOR, live.id, live.version, fields, MAX_BODY))
    found = await previewed_post(await _link(live), NOW)
    assert found is not None
    assert (found.row["title"], found.row["body"]) == ("Staged", "Live tekst.")
    assert found.bylines is not None
    assert [(b["author_id"], b["role"], b["post_id"]) for b in found.bylines] == [
        (author.id, "gæst", live.id)
    ]


async def test_an_expired_or_revoked_link_opens_nothing(rows: Rows) -> None:
    draft = await rows.post(await rows.relay())
    hashed = await _link(draft, hours=1)
    assert await previewed_post(hashed, NOW + dt.timedelta(minutes=59)) is not None
    assert await previewed_post(hashed, NOW + dt.timedelta(hours=1)) is None
    await write(lambda: previews.revoke_links(draft.id))
    assert await previewed_post(hashed, NOW) is None
    assert await previewed_post(token_hash("preview_unknown"), NOW) is None


async def test_pending_versions_come_back_decoded_for_the_posts_that_have_one(
    rows: Rows,
) -> None:
    live, other = await _live(rows), await _live(rows)
    await write(lambda: staging.stage_post(ACTOR, live.id, live.version, {"body": "Ny."}, MAX_BODY))
    (row,) = await pending_for_posts([live.id, other.id])
    # The teaser was cut from the body, so it follows the body.
    assert row["post_id"] == live.id and row["changed"] == ["teaser", "body"]
    assert (row["body"], row["teaser"], row["staged_by"]) == ("Ny.", "Ny.", ACTOR)
    assert row["bylines"] == []  # the live post has none; they are kept whole all the same

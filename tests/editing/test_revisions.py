"""graph.editing.revisions: what a post's revision history shows as changed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, MAX_BODY, START, Rows, tagged_rows, write

from graph import models
from graph.editing import posts, revisions, staging
from graph.editing.posts import BylineSpec


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def test_changes_lists_only_the_tracked_fields_that_differ() -> None:
    before = {name: None for name in revisions.TRACKED} | {"title": "A", "teaserDerived": True}
    after = {**before, "title": "B", "teaserDerived": False}
    assert revisions.changes(before, after) == {"title": {"old": "A", "new": "B"}}


def test_a_first_revision_shows_every_set_field_as_new() -> None:
    after = {name: None for name in revisions.TRACKED} | {"title": "A", "status": "DRAFT"}
    assert revisions.changes({}, after) == {
        "title": {"old": None, "new": "A"},
        "status": {"old": None, "new": "DRAFT"},
    }


async def test_a_snapshot_names_related_rows_by_slug_and_times_in_copenhagen(rows: Rows) -> None:
    relay, author, category = await rows.relay(), await rows.author(), await rows.category()
    organization = await rows.organization()
    fields = {
        "title": "Snapshot",
        "slug": rows.slug("snap"),
        "body": "Tekst.",
        "category": category.slug,
        "bylines": [BylineSpec(author.slug, "chef", organization.slug)],
    }
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, fields, MAX_BODY))
    post = await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version, START))
    state = await revisions.snapshot(post)
    assert state["category"] == category.slug
    assert state["bylines"] == [
        {"author": author.slug, "role": "chef", "organization": organization.slug}
    ]
    assert state["status"] == "PUBLISHED"
    assert state["publishedAt"] == "2021-03-01T10:00:00+01:00"  # 09:00 UTC, winter time
    assert state["pending"] is None


async def test_the_pending_state_shows_only_staged_fields_with_slugs(rows: Rows) -> None:
    relay, category = await rows.relay(), await rows.category()
    fields = {"title": "Live", "slug": rows.slug("live"), "body": "Tekst."}
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, fields, MAX_BODY))
    live = await write(lambda: posts.publish_post(ACTOR, draft.id, draft.version, START))
    staged = {"title": "Staged", "category": category.slug}
    await write(lambda: staging.stage_post(ACTOR, live.id, live.version, staged, MAX_BODY))
    assert await revisions.pending_state(live.id) == staged


async def test_each_write_records_who_made_which_version(rows: Rows) -> None:
    relay = await rows.relay()
    fields = {"title": "Første", "slug": rows.slug("rev")}
    draft = await write(lambda: posts.create_post(ACTOR, relay.slug, fields, MAX_BODY))
    await write(
        lambda: posts.update_post("anden-redaktør", draft.id, 1, {"title": "Anden"}, MAX_BODY)
    )
    found = await models.PostRevision.filter(post_id=draft.id).order_by("version")
    assert [(r.version, r.actor) for r in found] == [(1, ACTOR), (2, "anden-redaktør")]
    assert found[1].changes == {"title": {"old": "Første", "new": "Anden"}}
    assert found[1].state["title"] == "Anden"

"""A cached answer found by an old slug, or filtered by one, goes stale when the object
changes or another object takes that slug: neither may keep being served."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.cached import cached_app
from fixtures.editing import Desk
from test_cache_invalidation import Reader

RELAY = "query ($slug: String!) { relay(slug: $slug) { slug title } }"
POST = "query ($slug: String!) { post(slug: $slug) { slug title } }"
CATEGORY = "query ($slug: String!) { category(slug: $slug) { slug name } }"
FILTERED = """query ($relay: String!) {
  posts(filter: {relay: $relay}) { edges { node { slug } } } }"""


@pytest.fixture
async def reader(database: str) -> AsyncIterator[Reader]:
    async for app in cached_app(database):
        yield Reader(app)


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def test_an_old_slug_answer_follows_a_second_rename(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    renamed = await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, slug=desk.slug("a"))
    await reader.cached(RELAY, slug=relay["slug"])
    newest = await desk.ok("updateRelay", id=relay["id"], expectedVersion=2, slug=desk.slug("b"))
    assert newest["slug"] != renamed["slug"]
    fresh = await reader.fresh(RELAY, slug=relay["slug"])
    assert fresh["relay"]["slug"] == newest["slug"]


async def test_a_new_relay_taking_an_old_slug_drops_the_old_answer(
    desk: Desk, reader: Reader
) -> None:
    relay = await desk.relay()
    await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, slug=desk.slug("a"))
    await reader.cached(RELAY, slug=relay["slug"])
    await desk.relay(slug=relay["slug"], title="Den nye")
    assert (await reader.fresh(RELAY, slug=relay["slug"]))["relay"]["title"] == "Den nye"


async def test_a_rename_onto_an_old_slug_drops_the_old_answer(desk: Desk, reader: Reader) -> None:
    a, b = await desk.relay(), await desk.relay(title="Den anden")
    await desk.ok("updateRelay", id=a["id"], expectedVersion=1, slug=desk.slug("a"))
    await reader.cached(RELAY, slug=a["slug"])
    await desk.ok("updateRelay", id=b["id"], expectedVersion=1, slug=a["slug"])
    assert (await reader.fresh(RELAY, slug=a["slug"]))["relay"]["title"] == "Den anden"


async def test_publishing_a_post_that_took_an_old_slug_drops_the_old_answer(
    desk: Desk, reader: Reader
) -> None:
    relay = await desk.relay()
    old = await desk.published(relay)
    await desk.ok("updatePost", id=old["id"], expectedVersion=old["version"], slug=desk.slug("a"))
    draft = await desk.post(relay, slug=old["slug"], title="Den nye")
    await reader.cached(POST, slug=old["slug"])
    await desk.ok("publishPost", id=draft["id"], expectedVersion=draft["version"])
    assert (await reader.fresh(POST, slug=old["slug"]))["post"]["title"] == "Den nye"


async def test_a_category_claim_drops_the_old_answer(desk: Desk, reader: Reader) -> None:
    category = await desk.category()
    await desk.ok("updateCategory", category=category["slug"], slug=desk.slug("a"))
    await reader.cached(CATEGORY, slug=category["slug"])
    await desk.category(slug=category["slug"], name="Det nye emne")
    fresh = await reader.fresh(CATEGORY, slug=category["slug"])
    assert fresh["category"]["name"] == "Det nye emne"


async def test_a_list_filtered_by_a_claimed_slug_is_recomputed(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    post = await desk.published(relay)
    await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, slug=desk.slug("a"))
    before = await reader.cached(FILTERED, relay=relay["slug"])
    assert before["posts"]["edges"] == [{"node": {"slug": post["slug"]}}]
    await desk.relay(slug=relay["slug"])
    assert (await reader.fresh(FILTERED, relay=relay["slug"]))["posts"]["edges"] == []

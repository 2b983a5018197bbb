"""Drafts made through the API: an editor's token shows them, readers never see them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, later, letters


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
async def draft(desk: Desk) -> dict[str, Any]:
    """A draft, with a word no other text has, in a relay with one published post."""
    relay = await desk.relay()
    await desk.published(relay)
    word = letters()
    post = await desk.post(relay, body=f"Hemmeligt udkast om {word}.")
    return {**post, "relay": relay["slug"], "word": word}


BY_SLUG = "query ($slug: String!) { post(slug: $slug) { slug status } }"
DRAFT_LIST = """query ($relay: String!) {
  posts(filter: {relay: $relay, status: [DRAFT]}) { totalCount edges { node { slug } } }
}"""
RELAY_POSTS = """query ($relay: String!) {
  relay(slug: $relay) { posts { totalCount edges { node { slug status } } } }
}"""


def slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


async def test_editor_finds_a_draft_by_slug(draft: dict[str, Any], editor: GraphQL) -> None:
    data = await editor.data(BY_SLUG, slug=draft["slug"])
    assert data == {"post": {"slug": draft["slug"], "status": "DRAFT"}}


async def test_editor_lists_drafts_by_status(draft: dict[str, Any], editor: GraphQL) -> None:
    data = await editor.data(DRAFT_LIST, relay=draft["relay"])
    assert (data["posts"]["totalCount"], slugs(data["posts"])) == (1, [draft["slug"]])


async def test_editor_sees_drafts_among_a_relays_posts(
    draft: dict[str, Any], editor: GraphQL
) -> None:
    posts = (await editor.data(RELAY_POSTS, relay=draft["relay"]))["relay"]["posts"]
    assert posts["totalCount"] == 2
    assert [edge["node"]["status"] for edge in posts["edges"]] == ["DRAFT", "PUBLISHED"]
    assert slugs(posts)[0] == draft["slug"]


async def test_reader_gets_null_for_a_drafts_slug(draft: dict[str, Any], gql: GraphQL) -> None:
    assert await gql.data(BY_SLUG, slug=draft["slug"]) == {"post": None}


async def test_reader_gets_null_for_a_drafts_id(draft: dict[str, Any], gql: GraphQL) -> None:
    data = await gql.data(f'{{ node(id: "{draft["id"]}") {{ id }} }}')
    assert data == {"node": None}


async def test_reader_asking_for_drafts_gets_none(draft: dict[str, Any], gql: GraphQL) -> None:
    in_relay = await gql.data(DRAFT_LIST, relay=draft["relay"])
    everywhere = await gql.data(
        "{ posts(filter: {status: [DRAFT, SCHEDULED, ARCHIVED]}) { totalCount } }"
    )
    assert in_relay == {"posts": {"totalCount": 0, "edges": []}}
    assert everywhere == {"posts": {"totalCount": 0}}


async def test_an_empty_status_list_matches_no_post(draft: dict[str, Any], editor: GraphQL) -> None:
    data = await editor.data(
        "{ posts(filter: {status: []}) { totalCount edges { node { slug } } } "
        'search(query: "stafet", filter: {status: []}) { totalCount } }'
    )
    assert data == {"posts": {"totalCount": 0, "edges": []}, "search": {"totalCount": 0}}


async def test_reader_sees_only_the_published_post_of_the_relay(
    draft: dict[str, Any], gql: GraphQL
) -> None:
    posts = (await gql.data(RELAY_POSTS, relay=draft["relay"]))["relay"]["posts"]
    assert posts["totalCount"] == 1
    assert draft["slug"] not in slugs(posts)


async def test_reader_search_does_not_find_a_draft(draft: dict[str, Any], gql: GraphQL) -> None:
    data = await gql.data(
        "query ($q: String!) { search(query: $q) { totalCount } }", q=draft["word"]
    )
    assert data == {"search": {"totalCount": 0}}


async def test_revoked_token_sees_no_drafts(
    desk: Desk, draft: dict[str, Any], client: httpx.AsyncClient
) -> None:
    async with editing.revoked_token(f"revoked-{desk.tag}") as token:
        caller = GraphQL(client, {"Authorization": f"Bearer {token}"})
        by_slug = await caller.data(BY_SLUG, slug=draft["slug"])
        listed = await caller.data(DRAFT_LIST, relay=draft["relay"])
    assert by_slug == {"post": None}
    assert listed["posts"]["totalCount"] == 0


async def test_scheduled_post_is_an_editors_only(
    desk: Desk, draft: dict[str, Any], gql: GraphQL
) -> None:
    await desk.ok("schedulePost", id=draft["id"], expectedVersion=1, publishAt=later())
    assert await gql.data(BY_SLUG, slug=draft["slug"]) == {"post": None}
    seen = await desk.editor.data(BY_SLUG, slug=draft["slug"])
    assert seen == {"post": {"slug": draft["slug"], "status": "SCHEDULED"}}


SEARCH = """query ($word: String!, $status: [PostStatus!]) {
  search(query: $word, filter: {status: $status}) { edges { node { slug status } } }
}"""


async def test_editor_search_leaves_archived_posts_out_unless_asked(
    desk: Desk, editor: GraphQL
) -> None:
    relay = await desk.relay()
    word = letters()
    published = await desk.published(relay, body=f"Arkiveret om {word}.")
    await desk.ok("archivePost", id=published["id"], expectedVersion=published["version"])

    found = await editor.data(SEARCH, word=word, status=None)
    asked = await editor.data(SEARCH, word=word, status=["ARCHIVED"])

    assert slugs(found["search"]) == []
    assert [edge["node"]["status"] for edge in asked["search"]["edges"]] == ["ARCHIVED"]

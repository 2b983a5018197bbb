"""The cache over HTTP: hits for anonymous queries only, ETags and 304s, tags, bounds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk

POST = "query ($slug: String!) { post(slug: $slug) { slug title leg relay { slug } } }"
POSTS = "{ posts(first: 3) { edges { node { slug } } } }"
DEMO_POST = "politi-med-bloed-hat"


@pytest.fixture
async def cached(database: str) -> AsyncIterator[Cached]:
    async for app in cached_app(database):
        yield app


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_repeated_anonymous_query_is_a_hit_with_the_same_bytes(cached: Cached) -> None:
    first = await cached.get(POST, slug=DEMO_POST)
    second = await cached.get(POST, slug=DEMO_POST)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert first.content == second.content
    assert first.json()["data"]["post"]["slug"] == DEMO_POST
    assert first.headers["etag"] == second.headers["etag"]
    assert second.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert second.headers["vary"] == "Authorization"


async def test_post_requests_hit_too_and_the_key_ignores_whitespace(cached: Cached) -> None:
    await cached.post(POST, slug=DEMO_POST)
    again = await cached.post(POST.replace(" ", "  ").replace("{", "{\n"), slug=DEMO_POST)
    assert again.headers["x-cache"] == "HIT"
    assert "cache-control" not in again.headers


async def test_variables_are_part_of_the_key(cached: Cached) -> None:
    await cached.get(POST, slug=DEMO_POST)
    other = await cached.get(POST, slug="nope")
    assert other.headers["x-cache"] == "MISS"
    assert other.json()["data"]["post"] is None


async def test_the_cache_tag_header_names_what_the_answer_was_made_from(cached: Cached) -> None:
    response = await cached.get(POST, slug=DEMO_POST)
    listed = set(response.headers["cache-tag"].split(","))
    assert any(tag.startswith("Post:") for tag in listed)
    assert any(tag.startswith("Relay:") for tag in listed)
    assert any(tag.startswith("posts:relay:") for tag in listed)


async def test_a_matching_if_none_match_gets_304_without_a_body(cached: Cached) -> None:
    first = await cached.get(POST, slug=DEMO_POST)
    again = await cached.get(POST, headers={"If-None-Match": first.headers["etag"]}, slug=DEMO_POST)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    stale = await cached.get(POST, headers={"If-None-Match": '"other"'}, slug=DEMO_POST)
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["W/{etag}", '"a", {etag}', '"a",W/{etag} , "b"', "*"],
    ids=["weak", "in a list", "weak in a list", "star"],
)
async def test_weak_and_listed_if_none_match_get_304(cached: Cached, header: str) -> None:
    etag = (await cached.get(POST, slug=DEMO_POST)).headers["etag"]
    again = await cached.get(
        POST, headers={"If-None-Match": header.format(etag=etag)}, slug=DEMO_POST
    )
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    other = await cached.get(POST, headers={"If-None-Match": 'W/"a", "b"'}, slug=DEMO_POST)
    assert other.status_code == 200


async def test_a_publish_gives_a_new_etag_and_a_200(cached: Cached, desk: Desk) -> None:
    relay = await desk.relay()
    query = "query ($slug: String!) { relay(slug: $slug) { posts { totalCount } } }"
    first = await cached.get(query, slug=relay["slug"])
    await desk.published(relay)
    again = await cached.get(
        query, headers={"If-None-Match": first.headers["etag"]}, slug=relay["slug"]
    )
    assert again.status_code == 200
    assert again.json()["data"]["relay"]["posts"]["totalCount"] == 1
    assert again.headers["etag"] != first.headers["etag"]


async def test_a_caller_with_a_token_neither_reads_nor_feeds_the_cache(
    cached: Cached, desk: Desk, editor_token: str
) -> None:
    draft = await desk.post()
    anonymous = await cached.get(POST, slug=draft["slug"])
    assert anonymous.json()["data"]["post"] is None
    as_editor = await cached.get(POST, headers=bearer(editor_token), slug=draft["slug"])
    assert as_editor.json()["data"]["post"]["slug"] == draft["slug"]
    assert "x-cache" not in as_editor.headers
    assert as_editor.headers["cache-control"] == "private, no-store"

    fresh = await cached.get(POSTS, headers=bearer(editor_token))
    assert "x-cache" not in fresh.headers
    assert (await cached.get(POSTS)).headers["x-cache"] == "MISS"
    # Any credentials at all bypass it, valid or not.
    assert "x-cache" not in (await cached.get(POSTS, headers=bearer("nonsense"))).headers


async def test_mutations_and_errors_are_never_cached(cached: Cached) -> None:
    bad = "{ posts(first: 100000) { totalCount } }"
    for _ in range(2):
        response = await cached.get(bad)
        assert "errors" in response.json()
        assert response.headers.get("x-cache") != "HIT"
    mutation = 'mutation { createCategory(input: {name: "X"}) { __typename } }'
    for _ in range(2):
        response = await cached.post(mutation)
        assert "x-cache" not in response.headers


async def test_a_burst_of_identical_requests_runs_the_query_once(
    cached: Cached, sql_statements: object
) -> None:
    query = "{ relays(first: 5) { edges { node { slug posts(first: 3) { totalCount } } } } }"
    responses = await asyncio.gather(*(cached.get(query) for _ in range(10)))
    assert {response.content for response in responses} == {responses[0].content}
    assert cached.cache.counters.coalesced + cached.cache.counters.hits == 9
    assert len(cached.cache._entries) == 1


async def test_memory_stays_within_the_configured_bounds(database: str) -> None:
    async for app in cached_app(database, cache_max_entries=3):
        for first in range(1, 7):
            await app.get(f"{{ posts(first: {first}) {{ edges {{ node {{ slug }} }} }} }}")
        entries, _ = app.cache.size
        assert entries == 3
        assert app.cache.counters.evictions == 3
        metrics = (await app.http.get("/metrics")).text
        assert "graph_cache_evictions_total 3" in metrics
        assert "graph_cache_entries 3" in metrics
        assert "graph_cache_misses_total 6" in metrics


async def test_the_cache_can_be_switched_off(database: str) -> None:
    async for app in cached_app(database, response_cache=False):
        await app.get(POSTS)
        assert "x-cache" not in (await app.get(POSTS)).headers

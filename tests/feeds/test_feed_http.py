"""Feeds over HTTP: fresh after every write, cached until one, 304s, 404s, budgets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk, later

from feeds.formats import atom_problems
from graph.feeds.prices import feed_price
from graph.settings import Settings


def titles(response: Any) -> list[str]:
    return [item["title"] for item in json.loads(response.content)["items"]]


async def test_a_publish_changes_the_feed_and_its_etag(cached: Cached, desk: Desk) -> None:
    relay = await desk.relay()
    first = await desk.published(relay)
    path = f"/feeds/relays/{relay['slug']}.json"
    before = await cached.http.get(path)
    assert (await cached.http.get(path)).headers["x-cache"] == "HIT"
    second = await desk.published(relay)
    after = await cached.http.get(path)
    assert after.headers["x-cache"] == "MISS"
    assert after.headers["etag"] != before.headers["etag"]
    assert titles(before) == [first["title"]]
    assert titles(after) == [second["title"], first["title"]]


async def test_a_publish_reaches_the_feed_of_all_posts_in_every_format(
    cached: Cached, desk: Desk
) -> None:
    relay = await desk.relay()
    before = {ext: await cached.http.get(f"/feeds/posts.{ext}") for ext in ("atom", "rss", "json")}
    post = await desk.published(relay)
    for extension, old in before.items():
        new = await cached.http.get(f"/feeds/posts.{extension}")
        assert new.headers["etag"] != old.headers["etag"]
        assert post["title"] in new.text


async def test_drafts_scheduled_and_archived_posts_never_appear(cached: Cached, desk: Desk) -> None:
    author = await desk.author()
    relay = await desk.relay()
    byline = [{"author": author["slug"]}]
    await desk.published(relay, bylines=byline)
    draft = await desk.post(relay, bylines=byline)
    scheduled = await desk.post(relay, bylines=byline)
    await desk.ok("schedulePost", id=scheduled["id"], expectedVersion=1, publishAt=later())
    archived = await desk.published(relay, bylines=byline)
    await desk.ok("archivePost", id=archived["id"], expectedVersion=archived["version"])
    hidden = [draft["title"], scheduled["title"], archived["title"]]
    for path in (
        f"/feeds/relays/{relay['slug']}",
        f"/feeds/authors/{author['slug']}",
        "/feeds/posts",
    ):
        for extension in ("atom", "rss", "json"):
            text = (await cached.http.get(f"{path}.{extension}")).text
            assert not [title for title in hidden if title in text], path


async def test_an_author_rename_reaches_the_feeds_that_name_them(
    cached: Cached, desk: Desk
) -> None:
    author = await desk.author()
    relay = await desk.relay()
    await desk.published(relay, bylines=[{"author": author["slug"]}])
    path = f"/feeds/relays/{relay['slug']}.atom"
    before = await cached.http.get(path)
    await desk.ok("updateAuthor", id=author["id"], expectedVersion=1, name="Nyt Navn")
    after = await cached.http.get(path)
    assert "<name>Nyt Navn</name>" in after.text
    assert after.headers["etag"] != before.headers["etag"]


async def test_if_none_match_gets_304_without_a_body(cached: Cached) -> None:
    first = await cached.http.get("/feeds/posts.atom")
    etag = first.headers["etag"]
    assert etag.startswith('"')  # strong
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await cached.http.get("/feeds/posts.atom", headers={"If-None-Match": header})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    other = await cached.http.get("/feeds/posts.atom", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200


async def test_feeds_are_labelled_for_http_caches(cached: Cached) -> None:
    response = await cached.http.get("/feeds/relays/lederskabs-stafetten.rss")
    assert response.headers["cache-control"] == "public, max-age=0, must-revalidate"
    tags = response.headers["cache-tag"].split(",")
    assert any(tag.startswith("posts:relay:") for tag in tags)
    assert any(tag.startswith("Post:") for tag in tags)


async def test_a_token_gets_the_same_public_feed(cached: Cached, editor_token: str) -> None:
    anonymous = await cached.http.get("/feeds/posts.json")
    with_token = await cached.http.get(
        "/feeds/posts.json", headers={"Authorization": f"Bearer {editor_token}"}
    )
    assert with_token.content == anonymous.content


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/relays/nope.atom",
        "/feeds/categories/nope.rss",
        "/feeds/authors/nope.json",
        "/feeds/organizations/nope.atom",
        "/feeds/posts.xml",
        "/feeds/relays/lederskabs-stafetten.xml",
        "/feeds/relays/lederskabs-stafetten",
        "/feeds/people/lederskabs-stafetten.atom",
    ],
)
async def test_unknown_feeds_are_404_with_a_short_plain_body(cached: Cached, path: str) -> None:
    response = await cached.http.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "No such feed.\n"


async def test_a_relay_with_only_drafts_has_an_empty_feed(cached: Cached, desk: Desk) -> None:
    relay = await desk.relay()
    await desk.post(relay)
    response = await cached.http.get(f"/feeds/relays/{relay['slug']}.json")
    assert response.status_code == 200
    assert json.loads(response.content)["items"] == []


# Room for three computed feeds.
BUDGET = 3 * feed_price(Settings())


@pytest.fixture
async def budgeted(database: str) -> AsyncIterator[Cached]:
    async for app in cached_app(database, rate_limit_cost=BUDGET):
        yield app


async def test_a_computed_feed_spends_its_price_and_a_cached_one_its_size(
    budgeted: Cached,
) -> None:
    price = feed_price(Settings())
    first = await budgeted.http.get("/feeds/posts.rss")
    assert first.headers["ratelimit"].startswith(f'"cost";r={BUDGET - price};')
    second = await budgeted.http.get("/feeds/posts.rss")
    assert second.headers["x-cache"] == "HIT"
    size = -(-len(second.content) // 1024)  # a unit per KiB begun
    assert size > 1
    assert second.headers["ratelimit"].startswith(f'"cost";r={BUDGET - price - size};')
    revalidated = await budgeted.http.get(
        "/feeds/posts.rss", headers={"If-None-Match": second.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.headers["ratelimit"].startswith(f'"cost";r={BUDGET - price - size - 1};')


async def test_a_feed_the_budget_cannot_pay_is_refused_before_it_is_built(
    database: str, sql_statements: Any
) -> None:
    async for app in cached_app(database, rate_limit_cost=feed_price(Settings()) - 1):
        sql_statements.statements.clear()
        refused = await app.http.get("/feeds/posts.atom")
        assert refused.status_code == 429 and "retry-after" in refused.headers
        assert "This answer costs" in refused.text
        assert sql_statements.statements == []  # not built, not even the relay read


async def test_text_xml_cannot_carry_is_left_out_not_an_error(cached: Cached, desk: Desk) -> None:
    relay = await desk.relay()
    post = await desk.published(relay, title="Bell\x07 and\x0b tab", teaser="Form\x0cfeed")
    for extension in ("atom", "rss", "json"):
        response = await cached.http.get(f"/feeds/relays/{relay['slug']}.{extension}")
        assert response.status_code == 200
        assert "Bell and tab" in response.text
    assert post["title"] == "Bell\x07 and\x0b tab"


async def test_a_feed_reads_in_three_statements_however_many_posts(
    cached: Cached, sql_statements: Any
) -> None:
    await cached.http.get("/feeds/relays/lederskabs-stafetten.atom")
    # The relay by slug, its newest posts (relay and category joined, and their count),
    # their bylines.
    assert len(sql_statements.statements) == 3


async def test_an_atom_entry_without_bylines_is_signed_by_its_relay(
    cached: Cached, desk: Desk
) -> None:
    relay = await desk.relay()
    await desk.published(relay)
    response = await cached.http.get(f"/feeds/relays/{relay['slug']}.atom")
    assert atom_problems(response.content) == []
    assert f"<author>\n      <name>{relay['title']}</name>" in response.text
    document = json.loads((await cached.http.get(f"/feeds/relays/{relay['slug']}.json")).content)
    assert "authors" not in document["items"][0]

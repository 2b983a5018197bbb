"""Archived feeds (RFC 5005): FEED_ITEMS to a document, archive pages numbered from the
oldest post, linked so a reader can rebuild the whole feed, in every format."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import feedparser
import pytest
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk
from pydantic import ValidationError

from feeds.formats import Page, atom_problems, json_feed_problems, page_of, rss_problems
from graph.settings import Settings

PUBLIC = "http://127.0.0.1:8000"
FORMATS = ["atom", "rss", "json"]
PROBLEMS = {"atom": atom_problems, "rss": rss_problems, "json": json_feed_problems}


@pytest.fixture
async def paged(database: str) -> AsyncIterator[Cached]:
    """An app whose feed documents carry three entries each."""
    async for app in cached_app(database, feed_items=3):
        yield app


async def relay_with(desk: Desk, published: int) -> tuple[dict[str, Any], list[str]]:
    """A new relay with this many published posts; their titles, oldest first."""
    relay = await desk.relay()
    titles = [(await desk.published(relay))["title"] for _ in range(published)]
    return relay, titles


async def fetch(app: Cached, url: str, extension: str) -> Page:
    """The feed document at `url` (absolute, or a path), valid by its format's rules."""
    response = await app.http.get(url.removeprefix(PUBLIC))
    assert response.status_code == 200, url
    assert PROBLEMS[extension](response.content) == []
    return page_of(response.content, extension)


async def every_page(app: Cached, path: str, extension: str) -> list[Page]:
    """The subscription document at `path`, then each archive page its links lead to."""
    pages = [await fetch(app, path, extension)]
    while "prev-archive" in pages[-1].links:
        assert len(pages) < 100, "the archive links run in a circle"
        pages.append(await fetch(app, pages[-1].links["prev-archive"], extension))
    return pages


@pytest.mark.parametrize("extension", FORMATS)
async def test_a_feed_holds_the_newest_feed_items_and_links_its_archive(
    paged: Cached, desk: Desk, extension: str
) -> None:
    relay, titles = await relay_with(desk, 7)
    path = f"/feeds/relays/{relay['slug']}.{extension}"
    page = await fetch(paged, path, extension)
    assert page.titles == titles[:-4:-1]  # the three newest, newest first
    # Four older posts: archive page 1 holds three, page 2 (the newest archive page) one.
    assert page.links == {"prev-archive": f"{PUBLIC}{path}?archive=2"}
    assert not page.archived


@pytest.mark.parametrize("extension", FORMATS)
async def test_following_the_archive_links_visits_every_published_post_once(
    paged: Cached, desk: Desk, extension: str
) -> None:
    relay = await desk.relay()
    published, drafts = [], []
    for number in range(8):
        published.append((await desk.published(relay))["title"])
        if number % 3 == 0:
            drafts.append((await desk.post(relay))["title"])
    pages = await every_page(paged, f"/feeds/relays/{relay['slug']}.{extension}", extension)
    assert [len(page.titles) for page in pages] == [3, 2, 3]  # newest first: 8 = 3 + 2 + 3
    seen = [title for page in pages for title in page.titles]
    assert sorted(seen) == sorted(published)
    assert len({identifier for page in pages for identifier in page.ids}) == 8
    assert not set(drafts) & set(seen)


@pytest.mark.parametrize("extension", ["atom", "rss"])
async def test_archive_documents_are_marked_and_link_current_and_their_neighbours(
    paged: Cached, desk: Desk, extension: str
) -> None:
    relay, _ = await relay_with(desk, 10)
    feed = f"{PUBLIC}/feeds/relays/{relay['slug']}.{extension}"
    first, second, newest = [
        await fetch(paged, f"{feed}?archive={n}", extension) for n in (1, 2, 3)
    ]
    assert first.archived and second.archived and newest.archived
    assert first.links == {"current": feed, "next-archive": f"{feed}?archive=2"}
    assert second.links == {
        "current": feed,
        "prev-archive": f"{feed}?archive=1",
        "next-archive": f"{feed}?archive=3",
    }
    assert newest.links == {"current": feed, "prev-archive": f"{feed}?archive=2"}


async def test_archive_pages_parse_as_feeds_of_the_same_id(paged: Cached, desk: Desk) -> None:
    relay, _ = await relay_with(desk, 5)
    feed = f"/feeds/relays/{relay['slug']}"
    for extension in ("atom", "rss"):
        response = await paged.http.get(f"{feed}.{extension}?archive=1")
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links["self"] == f"{PUBLIC}{feed}.{extension}?archive=1"
        assert links["current"] == f"{PUBLIC}{feed}.{extension}"
    atom = feedparser.parse((await paged.http.get(f"{feed}.atom?archive=1")).content)
    assert atom.feed.id == f"{PUBLIC}{feed}.atom"  # one feed across its documents


async def test_json_feed_pages_name_the_feed_and_point_to_older_pages(
    paged: Cached, desk: Desk
) -> None:
    relay, _ = await relay_with(desk, 10)
    feed = f"{PUBLIC}/feeds/relays/{relay['slug']}.json"
    documents = [
        json.loads((await paged.http.get(url.removeprefix(PUBLIC))).content)
        for url in (feed, f"{feed}?archive=3", f"{feed}?archive=2", f"{feed}?archive=1")
    ]
    assert [document["feed_url"] for document in documents] == [feed] * 4
    assert [document.get("next_url") for document in documents] == [
        f"{feed}?archive=3",
        f"{feed}?archive=2",
        f"{feed}?archive=1",
        None,
    ]


async def test_a_publish_leaves_a_full_archive_page_as_it_was(paged: Cached, desk: Desk) -> None:
    relay, titles = await relay_with(desk, 7)
    feed = f"/feeds/relays/{relay['slug']}.atom"
    first_before = await paged.http.get(f"{feed}?archive=1")
    newest_before = page_of((await paged.http.get(f"{feed}?archive=2")).content, "atom")
    titles.append((await desk.published(relay))["title"])
    first_after = await paged.http.get(f"{feed}?archive=1")
    # Dropped from the cache with the feed, built again, and the same to the byte.
    assert first_after.headers["x-cache"] == "MISS"
    assert first_after.content == first_before.content
    assert first_after.headers["etag"] == first_before.headers["etag"]
    assert page_of(first_after.content, "atom").titles == titles[2::-1]
    # The newest archive page took the post the subscription document let go.
    assert newest_before.titles == [titles[3]]
    newest_after = page_of((await paged.http.get(f"{feed}?archive=2")).content, "atom")
    assert newest_after.titles == [titles[4], titles[3]]
    assert page_of((await paged.http.get(feed)).content, "atom").titles == titles[:-4:-1]


async def test_archive_pages_carry_the_feeds_cache_tags(paged: Cached, desk: Desk) -> None:
    relay, _ = await relay_with(desk, 4)
    feed = f"/feeds/relays/{relay['slug']}.rss"
    subscription = (await paged.http.get(feed)).headers["cache-tag"].split(",")
    archive = (await paged.http.get(f"{feed}?archive=1")).headers["cache-tag"].split(",")
    shared = {tag for tag in subscription if not tag.startswith("Post:")}
    assert shared <= set(archive)
    assert any(tag.startswith("posts:relay:") for tag in archive)
    assert any(tag.startswith("Post:") for tag in archive)


@pytest.mark.parametrize(
    "query",
    ["archive=0", "archive=x", "archive=", "archive=-1", "archive=3", "archive=1" + "0" * 9],
)
async def test_unknown_archive_pages_are_404(paged: Cached, desk: Desk, query: str) -> None:
    relay, _ = await relay_with(desk, 6)  # archive pages 1 and 2
    response = await paged.http.get(f"/feeds/relays/{relay['slug']}.atom?{query}")
    assert response.status_code == 404
    assert response.text == "No such feed.\n"


async def test_a_feed_without_older_posts_has_no_archive(paged: Cached, desk: Desk) -> None:
    relay, _ = await relay_with(desk, 3)
    feed = f"/feeds/relays/{relay['slug']}.atom"
    assert page_of((await paged.http.get(feed)).content, "atom").links == {}
    assert (await paged.http.get(f"{feed}?archive=1")).status_code == 404
    assert (await paged.http.get("/feeds/relays/nope.atom?archive=1")).status_code == 404


async def test_an_authors_feed_pages_through_posts_in_many_relays(
    paged: Cached, desk: Desk
) -> None:
    author = await desk.author()
    byline = [{"author": author["slug"]}]
    titles = []
    for _ in range(5):
        relay = await desk.relay()
        titles.append((await desk.published(relay, bylines=byline))["title"])
    pages = await every_page(paged, f"/feeds/authors/{author['slug']}.json", "json")
    assert [page.titles for page in pages] == [titles[:-4:-1], titles[1::-1]]


async def test_the_feed_of_all_posts_pages_too(paged: Cached) -> None:
    page = await fetch(paged, "/feeds/posts.rss", "rss")
    assert len(page.titles) == 3
    older = await fetch(paged, page.links["prev-archive"], "rss")
    assert older.archived
    assert 1 <= len(older.titles) <= 3


@pytest.mark.parametrize("items", [0, -1, 501])
def test_feed_items_out_of_bounds_is_refused_at_start(
    items: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEED_ITEMS", str(items))
    with pytest.raises(ValidationError, match="feed_items"):
        Settings()

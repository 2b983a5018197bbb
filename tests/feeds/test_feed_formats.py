"""Every feed of the demo, in every format: parsed by a real feed parser, and by its rules."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import feedparser
import jsonfeed
import pytest
from fixtures.cached import Cached, cached_app

from feeds.formats import atom_problems, json_feed_problems, rfc_3339, rss_problems

DEMO_RELAY = "lederskabs-stafetten"
FEEDS = [
    "/feeds/posts",
    f"/feeds/relays/{DEMO_RELAY}",
    "/feeds/categories/politik",
    "/feeds/authors/annette-laigaard",
    "/feeds/organizations/moedrehjaelpen",
]
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
TEMPLATE = "https://example.dk/{relay}/{post}"


@pytest.fixture
async def site(database: str) -> AsyncIterator[Cached]:
    """An app whose post pages live at TEMPLATE."""
    async for app in cached_app(database, post_url_template=TEMPLATE):
        yield app


@pytest.mark.parametrize("feed", FEEDS)
async def test_atom_feeds_parse_and_keep_rfc_4287(site: Cached, feed: str) -> None:
    response = await site.http.get(f"{feed}.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPES["atom"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries
    assert atom_problems(response.content) == []


@pytest.mark.parametrize("feed", FEEDS)
async def test_rss_feeds_parse_and_keep_rss_2(site: Cached, feed: str) -> None:
    response = await site.http.get(f"{feed}.rss")
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPES["rss"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.entries
    assert rss_problems(response.content) == []


@pytest.mark.parametrize("feed", FEEDS)
async def test_json_feeds_parse_and_keep_json_feed_1_1(site: Cached, feed: str) -> None:
    response = await site.http.get(f"{feed}.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPES["json"]
    parsed = jsonfeed.Feed.parse_string(response.text)
    assert parsed.items
    assert json_feed_problems(response.content) == []


async def test_an_entry_carries_the_post_as_the_api_shows_it(site: Cached) -> None:
    answer = await site.http.get(f"/feeds/relays/{DEMO_RELAY}.atom")
    entry = feedparser.parse(answer.content).entries[0]
    document = json.loads((await site.http.get(f"/feeds/relays/{DEMO_RELAY}.json")).content)
    item = document["items"][0]
    assert entry.link == item["url"]
    assert entry.link.startswith(f"https://example.dk/{DEMO_RELAY}/")
    assert entry.title == item["title"]
    assert entry.summary == item["summary"]
    assert entry.content[0].value == item["content_html"].strip()  # feedparser strips
    assert entry.content[0].type == "text/html"
    assert [author.name for author in entry.authors] == [a["name"] for a in item["authors"]]
    assert rfc_3339(item["date_published"]) <= rfc_3339(item["date_modified"])


async def test_feeds_link_to_the_site_and_to_themselves(site: Cached) -> None:
    for extension in ("atom", "rss"):
        parsed = feedparser.parse((await site.http.get(f"/feeds/posts.{extension}")).content)
        assert parsed.feed.link == "https://example.dk/"
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links["self"] == f"http://127.0.0.1:8000/feeds/posts.{extension}"
    document = json.loads((await site.http.get("/feeds/posts.json")).content)
    assert document["home_page_url"] == "https://example.dk/"
    assert document["feed_url"] == "http://127.0.0.1:8000/feeds/posts.json"


async def test_rss_names_authors_without_e_mail_addresses(site: Cached) -> None:
    answer = await site.http.get("/feeds/organizations/moedrehjaelpen.rss")
    entries = feedparser.parse(answer.content).entries
    assert entries
    assert all(entry.author and "@" not in entry.author for entry in entries)


async def test_feeds_hold_the_newest_published_posts_newest_first(site: Cached) -> None:
    document = json.loads((await site.http.get(f"/feeds/relays/{DEMO_RELAY}.json")).content)
    published = [rfc_3339(item["date_published"]) for item in document["items"]]
    assert len(published) == 25  # the demo relay's published posts (fewer than 50)
    assert published == sorted(published, reverse=True)


async def test_the_three_formats_list_the_same_posts(site: Cached) -> None:
    atom = feedparser.parse((await site.http.get("/feeds/categories/politik.atom")).content)
    rss = feedparser.parse((await site.http.get("/feeds/categories/politik.rss")).content)
    document = json.loads((await site.http.get("/feeds/categories/politik.json")).content)
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == 2  # the demo's two Politik posts
    assert [entry.id for entry in atom.entries] == ids
    assert [entry.id for entry in rss.entries] == ids
    assert atom.feed.title == rss.feed.title == document["title"] == "Politik"

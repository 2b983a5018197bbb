"""Sitemaps: valid by the sitemaps.org XSDs, split at the URL and byte limits, fresh after a
publish."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk
from fixtures.processes import serving
from lxml import etree

from feeds.formats import atom_problems, json_feed_problems, rss_problems, sitemap_problems
from graph.danish import SLUG_MAX_LENGTH
from graph.feeds import sitemaps
from graph.feeds.prices import sitemap_price
from graph.settings import Settings

DEMO_RELAY = "lederskabs-stafetten"
NS = {"s": sitemaps.NAMESPACE}
PUBLIC = "http://127.0.0.1:8000"
TEMPLATE = "https://example.dk/{relay}/{post}"


@pytest.fixture
async def site(database: str) -> AsyncIterator[Cached]:
    """An app whose post pages live under https://example.dk/{relay}/{post}."""
    async for app in cached_app(database, post_url_template=TEMPLATE):
        yield app


def locations(body: bytes) -> list[str]:
    return [str(loc) for loc in etree.fromstring(body).xpath("//s:loc/text()", namespaces=NS)]


def path_of(location: str) -> str:
    assert location.startswith(PUBLIC)
    return location.removeprefix(PUBLIC)


async def test_the_index_is_valid_and_lists_the_demo_relay(site: Cached) -> None:
    response = await site.http.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert sitemap_problems(response.content, "siteindex.xsd") == []
    assert f"{PUBLIC}/sitemaps/relays/{DEMO_RELAY}.xml" in locations(response.content)


async def test_a_relay_sitemap_is_valid_and_lists_its_published_posts(site: Cached) -> None:
    response = await site.http.get(f"/sitemaps/relays/{DEMO_RELAY}.xml")
    assert response.status_code == 200
    assert sitemap_problems(response.content, "sitemap.xsd") == []
    urls = locations(response.content)
    assert len(urls) == len(set(urls)) == 25
    assert all(url.startswith(f"https://example.dk/{DEMO_RELAY}/") for url in urls)
    lastmods = etree.fromstring(response.content).xpath("//s:lastmod", namespaces=NS)
    assert len(lastmods) == 25


async def test_a_relay_past_the_url_limit_is_split_and_the_index_lists_every_file(
    site: Cached, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "MAX_URLS_PER_SITEMAP", 10)
    index = await site.http.get("/sitemap.xml")
    assert sitemap_problems(index.content, "siteindex.xsd") == []
    files = [url for url in locations(index.content) if f"/{DEMO_RELAY}.xml" in url]
    base = f"{PUBLIC}/sitemaps/relays/{DEMO_RELAY}.xml"
    assert files == [base, f"{base}?page=2", f"{base}?page=3"]
    seen: list[str] = []
    for location in files:
        response = await site.http.get(path_of(location))
        assert sitemap_problems(response.content, "sitemap.xsd") == []
        seen += locations(response.content)
    assert [len(seen[i : i + 10]) for i in (0, 10, 20)] == [10, 10, 5]
    assert len(set(seen)) == 25
    assert (await site.http.get(f"/sitemaps/relays/{DEMO_RELAY}.xml?page=4")).status_code == 404


async def test_a_relay_past_the_byte_limit_is_split_into_files_under_it(
    site: Cached, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for ten entries of the longest URL the template can make (slugs of 200).
    longest_url = TEMPLATE.format(relay="a" * SLUG_MAX_LENGTH, post="a" * SLUG_MAX_LENGTH)
    longest = len(sitemaps.entry("url", longest_url, sitemaps.LATEST).encode()) + 1
    limit = len(sitemaps.document("urlset", [])) + 10 * longest
    monkeypatch.setattr(sitemaps, "MAX_SITEMAP_BYTES", limit)
    index = await site.http.get("/sitemap.xml")
    files = [url for url in locations(index.content) if f"/{DEMO_RELAY}.xml" in url]
    assert len(files) == 3
    sizes, seen = [], []
    for location in files:
        response = await site.http.get(path_of(location))
        assert sitemap_problems(response.content, "sitemap.xsd") == []
        sizes.append(len(response.content))
        seen += locations(response.content)
    assert max(sizes) <= limit
    assert len(seen) == len(set(seen)) == 25


async def test_the_index_lists_no_more_than_the_sitemap_limit(
    site: Cached, monkeypatch: pytest.MonkeyPatch, desk: Desk
) -> None:
    await desk.published(await desk.relay())
    monkeypatch.setattr(sitemaps, "MAX_SITEMAPS", 1)
    index = await site.http.get("/sitemap.xml")
    assert sitemap_problems(index.content, "siteindex.xsd") == []
    assert len(locations(index.content)) == 1


async def test_a_publish_reaches_the_relay_sitemap_and_the_index(site: Cached, desk: Desk) -> None:
    relay = await desk.relay()
    first = await desk.published(relay)
    path = f"/sitemaps/relays/{relay['slug']}.xml"
    before = await site.http.get(path)
    await site.http.get("/sitemap.xml")
    assert (await site.http.get(path)).headers["x-cache"] == "HIT"
    assert (await site.http.get("/sitemap.xml")).headers["x-cache"] == "HIT"
    draft = await desk.post(relay)
    second = await desk.published(relay)
    after = await site.http.get(path)
    index_after = await site.http.get("/sitemap.xml")
    assert after.headers["etag"] != before.headers["etag"]
    # The index's bytes may stay the same (lastmod counts whole seconds), but not its copy.
    assert index_after.headers["x-cache"] == "MISS"
    urls = locations(after.content)
    assert urls == [f"https://example.dk/{relay['slug']}/{p['slug']}" for p in (first, second)]
    assert f"{PUBLIC}{path}" in locations(index_after.content)
    assert not [url for url in urls if url.endswith(draft["slug"])]
    again = await site.http.get(path, headers={"If-None-Match": after.headers["etag"]})
    assert again.status_code == 304


async def test_a_relay_with_only_drafts_has_no_sitemap(site: Cached, desk: Desk) -> None:
    relay = await desk.relay()
    await desk.post(relay)
    assert (await site.http.get(f"/sitemaps/relays/{relay['slug']}.xml")).status_code == 404
    index = await site.http.get("/sitemap.xml")
    assert not [url for url in locations(index.content) if relay["slug"] in url]


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/relays/nope.xml",
        f"/sitemaps/relays/{DEMO_RELAY}.txt",
        f"/sitemaps/relays/{DEMO_RELAY}",
        f"/sitemaps/relays/{DEMO_RELAY}.xml?page=0",
        f"/sitemaps/relays/{DEMO_RELAY}.xml?page=x",
        f"/sitemaps/relays/{DEMO_RELAY}.xml?page=" + "9" * 5000,
    ],
)
async def test_unknown_sitemaps_are_404(site: Cached, path: str) -> None:
    response = await site.http.get(path)
    assert response.status_code == 404
    assert response.text == "No such sitemap.\n"


def test_an_empty_site_has_no_sitemap_index_and_empty_valid_feeds(tmp_path: Path) -> None:
    """A real `graph serve` on an empty database: an index must list at least one sitemap,
    so there is none to give; a feed with no post is still a valid feed."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'graph.sqlite3'}",
        "LOAD_DEMO_ON_EMPTY": "false",
        "LOG_LEVEL": "WARNING",
    }
    with serving(env, tmp_path / "serve.log", cwd=tmp_path) as base:
        index = httpx.get(f"{base}/sitemap.xml")
        atom = httpx.get(f"{base}/feeds/posts.atom")
        rss = httpx.get(f"{base}/feeds/posts.rss")
        document = httpx.get(f"{base}/feeds/posts.json")
    assert (index.status_code, index.text) == (404, "No such sitemap.\n")
    assert atom_problems(atom.content) == rss_problems(rss.content) == []
    assert json_feed_problems(document.content) == []
    assert document.json()["items"] == []


async def test_a_computed_sitemap_spends_its_price_and_a_cached_one_its_size(
    database: str,
) -> None:
    price = sitemap_price(Settings())
    budget = 3 * price
    async for app in cached_app(database, rate_limit_cost=budget):
        first = await app.http.get(f"/sitemaps/relays/{DEMO_RELAY}.xml")
        assert first.headers["ratelimit"].startswith(f'"cost";r={budget - price};')
        second = await app.http.get(f"/sitemaps/relays/{DEMO_RELAY}.xml")
        size = -(-len(second.content) // 1024)  # a unit per KiB begun
        assert second.headers["ratelimit"].startswith(f'"cost";r={budget - price - size};')

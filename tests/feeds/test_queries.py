"""The feeds' read layer on the demo relay: bounded rows, published posts only."""

from __future__ import annotations

from graph.feeds import queries
from graph.read.posts import Scope

DEMO_RELAY = "lederskabs-stafetten"


async def demo_relay_id() -> int:
    relay = await queries.subject_by_slug(Scope.RELAY, DEMO_RELAY)
    assert relay is not None
    relay_id: int = relay["id"]
    return relay_id


async def test_newest_posts_stop_at_the_count_newest_first(database: str) -> None:
    rows = await queries.newest_posts(Scope.RELAY, await demo_relay_id(), 3)
    assert len(rows) == 3
    assert [row["published_at"] for row in rows] == sorted(
        (row["published_at"] for row in rows), reverse=True
    )
    assert {row["status"] for row in rows} == {"published"}


async def test_sitemap_files_number_a_relays_posts_in_files_of_per_file(database: str) -> None:
    relay_id = await demo_relay_id()
    files = [row for row in await queries.sitemap_files(10, 1000) if row["relay_id"] == relay_id]
    assert [(row["page"], row["urls"]) for row in files] == [(1, 10), (2, 10), (3, 5)]


async def test_sitemap_files_stop_at_the_file_limit(database: str) -> None:
    assert len(await queries.sitemap_files(10, 2)) == 2


async def test_sitemap_posts_page_through_oldest_first(database: str) -> None:
    relay_id = await demo_relay_id()
    pages = [await queries.sitemap_posts(relay_id, page, 10) for page in (1, 2, 3, 4)]
    assert [len(rows) for rows in pages] == [10, 10, 5, 0]
    slugs = [row["slug"] for rows in pages for row in rows]
    assert len(set(slugs)) == 25


async def test_an_unknown_slug_is_no_subject(database: str) -> None:
    assert await queries.subject_by_slug(Scope.AUTHOR, "nope") is None

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


async def test_subscription_posts_are_the_count_newest_and_the_total(database: str) -> None:
    rows, total = await queries.subscription_posts(Scope.RELAY, await demo_relay_id(), 3)
    assert len(rows) == 3
    assert total == 25  # the demo relay's published posts
    assert [row["published_at"] for row in rows] == sorted(
        (row["published_at"] for row in rows), reverse=True
    )
    assert {row["status"] for row in rows} == {"published"}


async def test_archive_pages_hold_the_older_posts_oldest_first(database: str) -> None:
    relay_id = await demo_relay_id()
    newest, _ = await queries.subscription_posts(Scope.RELAY, relay_id, 10)
    pages = [await queries.archive_posts(Scope.RELAY, relay_id, page, 10) for page in (1, 2, 3)]
    # Page 1 comes with the first post of page 2; page 2 is the last (15 older posts).
    assert [len(rows) for rows in pages] == [11, 5, 0]
    assert pages[0][10]["id"] == pages[1][0]["id"]
    older = pages[0][:10] + pages[1]
    assert [row["published_at"] for row in older] == sorted(row["published_at"] for row in older)
    ids = [row["id"] for row in older + newest]
    assert len(ids) == len(set(ids)) == 25
    assert max(row["published_at"] for row in older) <= min(row["published_at"] for row in newest)


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

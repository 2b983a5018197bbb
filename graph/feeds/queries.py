"""The rows feeds and sitemaps are made of: bounded SELECTs, anonymous visibility only.

Every statement reads what an anonymous caller may see (published posts), so a draft, a
scheduled or an archived post never reaches a feed or a sitemap, and each one returns a
bounded number of rows: a feed's newest posts, one sitemap file's URLs, or one row per
sitemap file for the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.read import lookups, posts, sql
from graph.read.access import ANONYMOUS
from graph.read.posts import NO_FILTER, PageRequest, PostSelect, Scope

# The table each kind of feed subject lives in.
SUBJECT_TABLES = {
    Scope.RELAY: "relay",
    Scope.CATEGORY: "category",
    Scope.AUTHOR: "author",
    Scope.ORGANIZATION: "organization",
}

# A feed item shows the post's html (not its Markdown) and its relay and category.
FEED_POST = PostSelect(long=frozenset({"html"}), joined=frozenset({"relay", "category"}))

PUBLISHED = ANONYMOUS.visible_posts()


async def subject_by_slug(scope: Scope, slug: str) -> sql.Row | None:
    """The relay, category, author or organisation a feed is about, by its slug or an old
    one (an old link's feed keeps working); None if unknown."""
    rows = await lookups.rows_by_slug(SUBJECT_TABLES[scope], [slug])
    return rows[0] if rows else None


async def newest_posts(scope: Scope, subject_id: int, count: int) -> list[sql.Row]:
    """The `count` newest published posts of the subject (of all, for Scope.ALL), newest
    first, each with its `relay` and `category` row joined in."""
    parent = 0 if scope is Scope.ALL else subject_id
    pages = await posts.post_pages(
        scope, [parent], NO_FILTER, PageRequest(first=count), ANONYMOUS, FEED_POST
    )
    return pages.get(parent, [])[:count]


async def bylines(post_ids: Sequence[int]) -> list[sql.Row]:
    """The bylines of these posts in printed order, each with its `author` row."""
    if not post_ids:
        return []
    return await lookups.bylines_for_posts(post_ids, people=True)


async def sitemap_files(per_file: int, max_files: int) -> list[sql.Row]:
    """One row per sitemap file: (relay_id, slug, page, urls, lastmod), by relay slug.

    A relay's published posts, oldest first, fill its files `per_file` at a time, so a new
    post lands in the last file and the earlier ones keep their URLs. `lastmod` is the
    newest `updated_at` among a file's posts. One statement; it numbers every published
    post but returns at most `max_files` rows.
    """
    numbered = (
        "SELECT p.relay_id, p.updated_at, (ROW_NUMBER() OVER ("
        "PARTITION BY p.relay_id ORDER BY p.published_at, p.id) - 1) / ? + 1 AS page "
        f"FROM post p WHERE {PUBLISHED}"
    )
    statement = (
        "SELECT t.relay_id, r.slug, t.page, COUNT(*) AS urls, MAX(t.updated_at) AS lastmod "
        f"FROM ({numbered}) t JOIN relay r ON r.id = t.relay_id "
        "GROUP BY t.relay_id, r.slug, t.page ORDER BY r.slug, t.page LIMIT ?"
    )
    return await sql.fetch(statement, [per_file, max_files])


async def sitemap_posts(relay_id: int, page: int, per_file: int) -> list[sql.Row]:
    """The posts of one sitemap file: (slug, updated_at), oldest published first."""
    statement = (
        f"SELECT p.slug, p.updated_at FROM post p WHERE p.relay_id = ? AND {PUBLISHED} "
        "ORDER BY p.published_at, p.id LIMIT ? OFFSET ?"
    )
    return await sql.fetch(statement, [relay_id, per_file, (page - 1) * per_file])

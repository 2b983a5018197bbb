"""The rows feeds and sitemaps are made of: bounded SELECTs, anonymous visibility only.

Every statement reads what an anonymous caller may see (published posts), so a draft, a
scheduled or an archived post never reaches a feed or a sitemap, and each one returns a
bounded number of rows: a feed document's posts (FEED_ITEMS, one more to see past an
archive page), one sitemap file's URLs, or one row per sitemap file for the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.read import lookups, posts, sql
from graph.read.access import ANONYMOUS
from graph.read.posts import PostSelect, Scope

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


# Feeds list posts by publication time, the id breaking ties: newest first, or oldest first
# to number archive pages.
NEWEST_FIRST = f"{ANONYMOUS.sort_time()} DESC, p.id DESC"
OLDEST_FIRST = f"{ANONYMOUS.sort_time()}, p.id"


async def subscription_posts(
    scope: Scope, subject_id: int, count: int
) -> tuple[list[sql.Row], int]:
    """The `count` newest published posts of the subject (of all, for Scope.ALL), newest
    first, with their `relay` and `category` rows; and how many published posts it has.

    One statement: the count is an uncorrelated subquery, run once, over the same index the
    newest posts come from.
    """
    source, where, params = _published(scope, subject_id)
    statement = (
        f"SELECT {FEED_POST.columns}, (SELECT COUNT(*) FROM {source} WHERE {where}) AS total "
        f"FROM {source} {FEED_POST.joins} WHERE {where} ORDER BY {NEWEST_FIRST} LIMIT ?"
    )
    rows = FEED_POST.nest(await sql.fetch(statement, [*params, *params, count]))
    return rows, int(rows[0]["total"]) if rows else 0


async def archive_posts(scope: Scope, subject_id: int, page: int, count: int) -> list[sql.Row]:
    """Archive page `page` of the subject's feed: its published posts but the `count`
    newest (the subscription document's), oldest first, `count` to a page; with one more
    row, the first of the next page, when there is a next page.

    One statement. The OFFSET, (page - 1) * count, walks at most the subject's published
    posts, in the index the COUNT of `subscription_posts` reads; a page past the last
    finds no row.
    """
    source, where, params = _published(scope, subject_id)
    newest = f"SELECT p.id FROM {source} WHERE {where} ORDER BY {NEWEST_FIRST} LIMIT ?"
    statement = (
        f"SELECT {FEED_POST.columns} FROM {source} {FEED_POST.joins} "
        f"WHERE {where} AND p.id NOT IN ({newest}) ORDER BY {OLDEST_FIRST} LIMIT ? OFFSET ?"
    )
    values = [*params, *params, count, count + 1, (page - 1) * count]
    return FEED_POST.nest(await sql.fetch(statement, values))


def _published(scope: Scope, subject_id: int) -> tuple[str, str, list[int]]:
    """(FROM clause, WHERE clause, parameters) for the subject's published posts."""
    source, parent_where = posts.one_parent(scope)
    return source, f"{parent_where} AND {PUBLISHED}", [] if scope is Scope.ALL else [subject_id]


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

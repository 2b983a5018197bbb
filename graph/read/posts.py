"""Post queries: keyset pages and counts for many parents at once, one statement each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

from graph import models
from graph.read import sql
from graph.read.access import Access
from graph.read.columns import columns_of
from graph.read.lookups import COLUMNS, best_per_slug, slug_matches, slug_target
from graph.read.pages import rows_to_fetch

POST_COLUMNS = ", ".join(f"p.{name}" for name in columns_of(models.Post))
# The text columns that make a post row long (kilobytes each): fetched only when shown.
LONG_COLUMNS = frozenset({"body", "html"})
# The rows a post refers to that a fetch can join in: (table, alias, join clause).
TO_ONE = {
    "relay": ("relay", "r", "JOIN relay r ON r.id = p.relay_id"),
    "category": ("category", "c", "LEFT JOIN category c ON c.id = p.category_id"),
}


@dataclass(frozen=True)
class PostSelect:
    """What a post fetch reads: which long texts, and which referred rows it joins in.

    A joined row lands in `row["relay"]` / `row["category"]` (None when there is none), with
    the columns `lookups.rows_by` gives, so it can stand in for a fetch by id.
    """

    long: frozenset[str] = LONG_COLUMNS
    joined: frozenset[str] = frozenset()

    @cached_property
    def columns(self) -> str:
        left_out = {f"p.{name}" for name in LONG_COLUMNS - self.long}
        own = [name for name in POST_COLUMNS.split(", ") if name not in left_out]
        for name in sorted(self.joined):
            table, alias, _ = TO_ONE[name]
            own.append(sql.prefixed(alias, COLUMNS[table], name))
        return ", ".join(own)

    @cached_property
    def joins(self) -> str:
        return " ".join(TO_ONE[name][2] for name in sorted(self.joined))

    def nest(self, rows: list[sql.Row]) -> list[sql.Row]:
        """The fetched rows with their joined rows nested."""
        return sql.nest(rows, sorted(self.joined)) if self.joined else rows


EVERY_COLUMN = PostSelect()


class Scope(Enum):
    """Which parent a page of posts hangs under; ALL is the site-wide list."""

    ALL = "all"
    RELAY = "relay"
    CATEGORY = "category"
    AUTHOR = "author"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class PostFilter:
    """Slugs and bounds that narrow a post list; all combine with AND."""

    relay: str | None = None
    category: str | None = None
    author: str | None = None
    organization: str | None = None
    published_after: dt.datetime | None = None
    published_before: dt.datetime | None = None
    # None: what the caller's access lists by default (see Access.listed_posts).
    statuses: tuple[str, ...] | None = None


NO_FILTER = PostFilter()

# A post cursor is the sort key of the last row seen: (Access.sort_time, id).
PostKey = tuple[dt.datetime, int]


@dataclass(frozen=True)
class PageRequest:
    """`first` rows after `after` (exclusive), newest first."""

    first: int
    after: PostKey | None = None


def _scope_source(scope: Scope, parent_count: int) -> tuple[str, str, str]:
    """(FROM clause, parent key expression, WHERE on parents) for a scope."""
    marks = sql.placeholders(parent_count)
    if scope is Scope.ALL:
        return "post p", "0", "1 = 1"
    if scope is Scope.RELAY:
        return "post p", "p.relay_id", f"p.relay_id IN ({marks})"
    if scope is Scope.CATEGORY:
        return "post p", "p.category_id", f"p.category_id IN ({marks})"
    column = "author_id" if scope is Scope.AUTHOR else "organization_id"
    # DISTINCT: two bylines from one organisation must not list the post twice.
    source = (
        f"post p JOIN (SELECT DISTINCT {column} AS parent_key, post_id FROM byline "
        f"WHERE {column} IN ({marks})) k ON k.post_id = p.id"
    )
    return source, "k.parent_key", "1 = 1"


def filter_conditions(post_filter: PostFilter) -> tuple[list[str], list[Any]]:
    """SQL conditions (on alias `p`) and their parameters for a PostFilter."""
    conditions: list[str] = []
    params: list[Any] = []
    # Slugs may be old ones: a renamed relay's old links keep their posts.
    for slug, table, column in (
        (post_filter.relay, "relay", "p.relay_id"),
        (post_filter.category, "category", "p.category_id"),
    ):
        if slug is not None:
            conditions.append(f"{column} = {slug_target(table)}")
            params += [slug, slug]
    for slug, table, column in (
        (post_filter.author, "author", "author_id"),
        (post_filter.organization, "organization", "organization_id"),
    ):
        if slug is not None:
            conditions.append(
                f"EXISTS (SELECT 1 FROM byline fb WHERE fb.post_id = p.id "
                f"AND fb.{column} = {slug_target(table)})"
            )
            params += [slug, slug]
    if post_filter.published_after is not None:
        conditions.append("p.published_at >= ?")
        params.append(post_filter.published_after)
    if post_filter.published_before is not None:
        conditions.append("p.published_at < ?")
        params.append(post_filter.published_before)
    if post_filter.statuses is not None:
        # `status: []` asks for no state: nothing matches (and PostgreSQL refuses `IN ()`).
        marks = sql.placeholders(len(post_filter.statuses))
        conditions.append(f"p.status IN ({marks})" if marks else "1 = 0")
        params.extend(post_filter.statuses)
    return conditions, params


def listed_condition(post_filter: PostFilter, access: Access) -> str:
    """Which posts a list shows: the asked-for statuses, or the access's default."""
    return access.visible_posts() if post_filter.statuses else access.listed_posts()


def _where(
    scope: Scope, parent_ids: Sequence[int], post_filter: PostFilter, access: Access
) -> tuple[str, str, str, list[Any]]:
    source, parent_key, parent_where = _scope_source(scope, len(parent_ids))
    conditions, params = filter_conditions(post_filter)
    scope_params: list[Any] = [] if scope is Scope.ALL else list(parent_ids)
    where = " AND ".join([parent_where, listed_condition(post_filter, access), *conditions])
    # The parent ids sit in the FROM clause for byline scopes and in WHERE otherwise;
    # either way they come before the filter parameters.
    return source, parent_key, where, scope_params + params


async def post_pages(
    scope: Scope,
    parent_ids: Sequence[int],
    post_filter: PostFilter,
    page: PageRequest,
    access: Access,
    select: PostSelect = EVERY_COLUMN,
) -> dict[int, list[sql.Row]]:
    """Up to `first + 1` newest posts per parent, keyed by parent id (0 for ALL).

    One statement: per parent a subquery that walks the newest-first index and stops after
    `first + 1` rows, all joined by UNION ALL. (Numbering every post of every parent with
    ROW_NUMBER() costs time in proportion to the parent's size: 43 ms for a relay of 5 000.)
    """
    sort_time = access.sort_time()
    newest_first = f"{sort_time} DESC, p.id DESC"
    columns = f"{select.columns}, {sort_time} AS sort_at"
    conditions, filter_params = filter_conditions(post_filter)
    conditions.append(listed_condition(post_filter, access))
    cursor_params: list[Any] = []
    if page.after is not None:
        conditions.append(f"({sort_time} < ? OR ({sort_time} = ? AND p.id < ?))")
        cursor_params = [page.after[0], page.after[0], page.after[1]]
    limit = rows_to_fetch(page.first)
    parents = [0] if scope is Scope.ALL else list(dict.fromkeys(parent_ids))
    parts: list[str] = []
    params: list[Any] = []
    for parent in parents:
        source, parent_where = one_parent(scope)
        source = f"{source} {select.joins}"
        where = " AND ".join([parent_where, *conditions])
        parts.append(
            f"SELECT * FROM (SELECT {columns}, {parent} AS parent_key FROM {source} "
            f"WHERE {where} ORDER BY {newest_first} LIMIT ?) t{len(parts)}"
        )
        params += [*([] if scope is Scope.ALL else [parent]), *filter_params, *cursor_params, limit]
    statement = (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) pages "
        "ORDER BY pages.parent_key, pages.sort_at DESC, pages.id DESC"
    )
    rows = select.nest(await sql.fetch(statement, params))
    pages: dict[int, list[sql.Row]] = defaultdict(list)
    for row in rows:
        pages[row["parent_key"]].append(row)
    return pages


def one_parent(scope: Scope) -> tuple[str, str]:
    """(FROM clause, WHERE on the parent) for one parent, its id as the first placeholder."""
    if scope is Scope.ALL:
        return "post p", "1 = 1"
    if scope is Scope.RELAY:
        return "post p", "p.relay_id = ?"
    if scope is Scope.CATEGORY:
        return "post p", "p.category_id = ?"
    column = "author_id" if scope is Scope.AUTHOR else "organization_id"
    # DISTINCT: two bylines from one organisation must not list the post twice.
    source = (
        f"post p JOIN (SELECT DISTINCT post_id FROM byline WHERE {column} = ?) k "
        "ON k.post_id = p.id"
    )
    return source, "1 = 1"


async def post_counts(
    scope: Scope, parent_ids: Sequence[int], post_filter: PostFilter, access: Access
) -> dict[int, int]:
    """How many posts each parent has under the filter, keyed by parent id (0 for ALL)."""
    source, parent_key, where, params = _where(scope, parent_ids, post_filter, access)
    group = "" if scope is Scope.ALL else f" GROUP BY {parent_key}"
    statement = f"SELECT {parent_key} AS parent_key, COUNT(*) AS n FROM {source} WHERE {where}"
    rows = await sql.fetch(statement + group, params)
    return {row["parent_key"]: row["n"] for row in rows}


async def posts_by_ids(
    ids: Sequence[int], access: Access, select: PostSelect = EVERY_COLUMN
) -> list[sql.Row]:
    """Visible posts with these ids, in no particular order."""
    statement = (
        f"SELECT {select.columns} FROM post p {select.joins} "
        f"WHERE p.id IN ({sql.placeholders(len(ids))}) AND {access.visible_posts()}"
    )
    return select.nest(await sql.fetch(statement, ids))


async def posts_by_slugs(
    slugs: Sequence[str], access: Access, select: PostSelect = EVERY_COLUMN
) -> list[sql.Row]:
    """Visible posts by slug, live or old, one per slug found (`asked_slug` says which).

    A draft's slug is as absent as an unknown one: without a token, an old slug that a
    draft has taken still leads to the published post that had it.
    """
    statement = (
        f"SELECT {select.columns}, k.asked_slug, k.slug_rank "
        f"FROM ({slug_matches('post', len(slugs))}) k JOIN post p ON p.id = k.target_id "
        f"{select.joins} WHERE {access.visible_posts()}"
    )
    return best_per_slug(select.nest(await sql.fetch(statement, [*slugs, *slugs])))


async def neighbours(post_ids: Sequence[int], access: Access) -> list[sql.Row]:
    """(id, prev_id, next_id) for each post: its visible neighbours by leg in its relay."""
    marks = sql.placeholders(len(post_ids))
    visible = access.visible_posts()
    if not access.drafts:
        # Published posts all have legs: each neighbour is one step along the (relay_id,
        # leg) index, however long the relay. The `leg <=` bound lets the index start at
        # the post's own leg instead of the relay's end (11 ms for a relay of 5,000).
        step = (
            "(SELECT q.id FROM post q WHERE q.relay_id = p.relay_id AND {visible} "
            "AND q.leg {op}= p.leg AND (q.leg {op} p.leg OR q.id {op} p.id) "
            "ORDER BY q.leg {order}, q.id {order} LIMIT 1)"
        )
        previous = step.format(visible=access.visible_posts("q"), op="<", order="DESC")
        following = step.format(visible=access.visible_posts("q"), op=">", order="ASC")
        statement = (
            f"SELECT p.id, {previous} AS prev_id, {following} AS next_id FROM post p "
            f"WHERE p.id IN ({marks}) AND {visible}"
        )
        return await sql.fetch(statement, post_ids)
    statement = (
        "SELECT id, prev_id, next_id FROM ("
        "SELECT p.id, LAG(p.id) OVER w AS prev_id, LEAD(p.id) OVER w AS next_id FROM post p "
        f"WHERE p.relay_id IN (SELECT relay_id FROM post WHERE id IN ({marks})) AND {visible} "
        # Drafts have no leg: last on both databases (SQLite sorts NULL first, PostgreSQL last).
        "WINDOW w AS (PARTITION BY p.relay_id ORDER BY p.leg IS NULL, p.leg, p.id)"
        f") t WHERE t.id IN ({marks})"
    )
    return await sql.fetch(statement, [*post_ids, *post_ids])

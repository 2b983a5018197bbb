"""Danish full-text search over visible posts: a page in rank order, counts, facets.

Rank is a few tiers, best first, and newest first inside a tier:

    title holds the words as a phrase     1.5    (for a query of two or more plain words)
    title holds the words                 1.0
    teaser holds them as a phrase         0.75
    teaser holds them                     0.5
    the post holds them                   0.2

(A phrase in the body is not a tier of its own: telling it from scattered words means
reading every candidate's positions from TOAST, 0.3 s for two common words.)

so a page is one bounded walk per tier: each tier's subquery follows the newest-first index
and stops after `offset + first + 1` rows (for a common word, after a few dozen), or, for a
rare word, reads its few matches from a GIN index. Nothing scores every match, and both
backends rank alike. PostgreSQL reads the narrow `post_search` table (migration 0006);
SQLite its FTS5 table joined to `post`.

Counts and facets stop at a limit (SEARCH_COUNT_LIMIT): on PostgreSQL they walk the GIN
index bucket by bucket (16,384 posts each), newest first, so a word in every third post
stops in the first bucket or two however many posts there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from graph import db
from graph.read import sql
from graph.read.access import Access
from graph.read.posts import (
    EVERY_COLUMN,
    PostFilter,
    PostSelect,
    filter_conditions,
    listed_condition,
)
from graph.search import compile
from graph.search.syntax import Query

FIELDS = ("title", "teaser", "document")
# (field, as a phrase) → score, best first: the rank order.
SCORES: dict[tuple[str, bool], float] = {
    ("title", True): 1.5,
    ("title", False): 1.0,
    ("teaser", True): 0.75,
    ("teaser", False): 0.5,
    ("document", False): 0.2,
}
# PostgreSQL's counting buckets: `post_search.bucket` is id >> BUCKET_BITS.
BUCKET_BITS = 14
# The newest posts a tier looks through before it asks the GIN index (plus 4 per wanted hit).
WINDOW = 300
INLINE_WINDOW = 1000


class Part(Enum):
    """Which part of a query a field must match."""

    WHOLE = "whole"  # every clause, and no excluded term
    POSITIVE = "positive"  # every clause
    PHRASE = "phrase"  # the plain words side by side


Match = tuple[str, Part]  # a field ("document": title, teaser and body) and a part


@dataclass(frozen=True)
class Tier:
    """Posts that match all of `must` and none of `must_not`, at one score."""

    score: float
    must: tuple[Match, ...]
    must_not: tuple[Match, ...]


def tiers(query: Query) -> list[Tier]:
    """The query's rank tiers, best first; no two hold the same post."""
    found = []
    for field, phrase in SCORES:
        if phrase and query.phrase is None:
            continue
        must = [(field, Part.PHRASE if phrase else Part.POSITIVE)]
        if query.excluded:
            must.append(("document", Part.WHOLE))
        must_not = [(better, Part.POSITIVE) for better in FIELDS[: FIELDS.index(field)]]
        if not phrase and query.phrase is not None:
            must_not.append((field, Part.PHRASE))
        found.append(Tier(SCORES[(field, phrase)], tuple(must), tuple(must_not)))
    return found


@dataclass(frozen=True)
class Matching:
    """A query with the filter and the caller it runs for."""

    query: Query
    post_filter: PostFilter
    access: Access

    def conditions(self) -> tuple[str, list[object]]:
        """Visibility and filter conditions on alias `p` (post or post_search), and params."""
        conditions, params = filter_conditions(self.post_filter)
        where = " AND ".join([listed_condition(self.post_filter, self.access), *conditions])
        return where, params


def _postgres() -> bool:
    return db.dialect() == "postgres"


def _tsquery(query: Query, part: Part) -> str:
    if part is Part.PHRASE:
        assert query.phrase is not None
        return compile.ts_term(query.phrase)
    return compile.tsquery(query, positive_only=part is Part.POSITIVE)


def _pg_tier(query: Query, tier: Tier) -> str:
    """A tier as a condition on `post_search p`."""

    def match(field: str, part: Part) -> str:
        return f"p.{field} @@ {compile.ts_literal(_tsquery(query, part))}"

    return " AND ".join(
        [match(*each) for each in tier.must] + [f"NOT {match(*each)}" for each in tier.must_not]
    )


def _fts(query: Query, part: Part, field: str) -> str:
    column = None if field == "document" else field
    if part is Part.PHRASE:
        assert query.phrase is not None
        return compile.fts5_term(query.phrase, column)
    return compile.fts5(query, positive_only=part is Part.POSITIVE, column=column)


def _fts_tier(query: Query, tier: Tier) -> str:
    """A tier as an FTS5 MATCH text."""
    must = " AND ".join(f"({_fts(query, part, field)})" for field, part in tier.must)
    return f"({must})" + "".join(
        f" NOT ({_fts(query, part, field)})" for field, part in tier.must_not
    )


def _hit(tier: Tier, sort: str) -> str:
    """The columns of one hit: its post, its tier's score, its time in the list's order."""
    return f"p.id AS hit_id, CAST({tier.score} AS DOUBLE PRECISION) AS score, {sort} AS hit_at"


def _era(extreme: str) -> str:
    """The newest or oldest year a post sorts by (the listed index answers it at once)."""
    return (
        f"(SELECT date_part('year', {extreme}(COALESCE(published_at, publish_at, created_at)) "
        "AT TIME ZONE 'UTC')::int FROM post_search)"
    )


def _window(field: str, wanted: int) -> int:
    """How many of the newest posts a tier looks through before it asks the GIN index:
    more for a title or teaser, whose small vectors sit in the row."""
    return (WINDOW if field == "document" else INLINE_WINDOW) + 8 * wanted


def _pg_tier_rows(
    tier: Tier, query: Query, where: str, sort: str, wanted: int, index: int
) -> tuple[str, str]:
    """(CTE, SELECT) of one tier's `wanted` newest hits on PostgreSQL.

    First the tier looks through the newest `_window` posts: a common word fills the page
    there after a few dozen. Only if it does not does the second SELECT run (its one-time
    filter skips it otherwise): the tier's hits year by year from GIN indexes, newest year
    first, stopping once it has `wanted`. Whichever way PostgreSQL guesses a word's
    frequency, neither reads more than the window or the newest years' hits.
    """
    match = _pg_tier(query, tier)
    hit = _hit(tier, sort)
    newest = f"ORDER BY {sort} DESC, p.id DESC"
    window = _window(tier.must[0][0], wanted)
    cte = (
        f"w{index} AS MATERIALIZED (SELECT {hit} FROM (SELECT * FROM post_search p "
        f"WHERE {where} {newest} LIMIT {window}) p WHERE {match} {newest} LIMIT {wanted})"
    )
    # Year by year, newest first: the first `wanted` rows are the tier's newest hits.
    every = (
        f"SELECT {hit} FROM generate_series({_era('max')}, {_era('min')}, -1) e(n) "
        "CROSS JOIN LATERAL (SELECT * FROM post_search p "
        f"WHERE p.era = e.n AND {match} AND {where} {newest} LIMIT {wanted}) p LIMIT {wanted}"
    )
    found = f"(SELECT count(*) FROM w{index})"
    select = (
        f"SELECT * FROM w{index} WHERE {found} >= {wanted} "
        f"UNION ALL SELECT * FROM ({every}) e{index} WHERE {found} < {wanted}"
    )
    return cte, select


async def search_posts(
    matching: Matching, offset: int, limit: int, select: PostSelect = EVERY_COLUMN
) -> list[sql.Row]:
    """Up to `limit` matching posts from `offset`, best first; each row has its `score`."""
    if matching.query.matches_nothing:
        return []
    where, params = matching.conditions()
    sort = matching.access.sort_time()
    wanted = offset + limit
    ctes: list[str] = []
    parts: list[str] = []
    values: list[object] = []
    for index, tier in enumerate(tiers(matching.query)):
        if _postgres():
            cte, part = _pg_tier_rows(tier, matching.query, where, sort, wanted, index)
            ctes.append(cte)
            parts.append(part)
            values += [*params, *params]
            continue
        parts.append(
            f"SELECT * FROM (SELECT {_hit(tier, sort)} "
            "FROM post_search s JOIN post p ON p.id = s.rowid "
            f"WHERE post_search MATCH ? AND {where} "
            f"ORDER BY {sort} DESC, p.id DESC LIMIT {wanted}) t{index}"
        )
        values += [_fts_tier(matching.query, tier), *params]
    with_ = f"WITH {', '.join(ctes)} " if ctes else ""
    statement = (
        f"{with_}SELECT {select.columns}, h.score FROM ({' UNION ALL '.join(parts)}) h "
        f"JOIN post p ON p.id = h.hit_id {select.joins} "
        "ORDER BY h.score DESC, h.hit_at DESC, h.hit_id DESC LIMIT ? OFFSET ?"
    )
    return select.nest(await sql.fetch(statement, [*values, limit, offset]))


def _matches(matching: Matching, columns: str, limit: int) -> tuple[str, list[object]]:
    """A SELECT of `columns` (on `p`) of up to `limit` matching posts, and its params."""
    where, params = matching.conditions()
    if not _postgres():
        statement = (
            f"SELECT {columns} FROM post_search s JOIN post p ON p.id = s.rowid "
            f"WHERE post_search MATCH ? AND {where} LIMIT ?"
        )
        return statement, [compile.fts5(matching.query), *params, limit]
    whole = compile.ts_literal(compile.tsquery(matching.query))
    # One bucket at a time, newest first; the outer LIMIT stops before the next bucket.
    statement = (
        f"SELECT {columns} FROM generate_series("
        f"(SELECT max(id) FROM post_search) >> {BUCKET_BITS}, 0, -1) b(n) "
        "CROSS JOIN LATERAL (SELECT * FROM post_search p "
        f"WHERE p.bucket = b.n AND p.document @@ {whole} AND {where} LIMIT ?) p LIMIT ?"
    )
    return statement, [*params, limit, limit]


async def count_matches(matching: Matching, limit: int) -> int:
    """How many visible posts match, counted up to `limit` (a larger count says `limit`)."""
    if matching.query.matches_nothing:
        return 0
    statement, params = _matches(matching, "1 AS one", limit)
    rows = await sql.fetch(f"SELECT COUNT(*) AS n FROM ({statement}) m", params)
    return int(rows[0]["n"])


@dataclass(frozen=True)
class FacetCounts:
    """Matches per category id, relay id and Copenhagen year, most first."""

    categories: list[tuple[int, int]]
    relays: list[tuple[int, int]]
    years: list[tuple[int, int]]


def _year() -> str:
    if _postgres():
        return "CAST(extract(year FROM p.published_at AT TIME ZONE 'Europe/Copenhagen') AS int)"
    # New Year in Copenhagen is always in winter time, UTC+1.
    return "CAST(strftime('%Y', p.published_at, '+1 hour') AS INTEGER)"


async def facet_counts(matching: Matching, limit: int) -> FacetCounts:
    """Matches per category, relay and year, over the first `limit` matches."""
    if matching.query.matches_nothing:
        return FacetCounts([], [], [])
    columns = f"p.category_id, p.relay_id, {_year()} AS year"
    statement, params = _matches(matching, columns, limit)
    groups = " UNION ALL ".join(
        f"SELECT '{name}' AS facet, {name} AS value, COUNT(*) AS n FROM m "
        f"WHERE {name} IS NOT NULL GROUP BY {name}"
        for name in ("category_id", "relay_id", "year")
    )
    rows = await sql.fetch(f"WITH m AS ({statement}) {groups}", params)
    found: dict[str, list[tuple[int, int]]] = {"category_id": [], "relay_id": [], "year": []}
    for row in rows:
        found[row["facet"]].append((int(row["value"]), int(row["n"])))
    return FacetCounts(
        categories=_most_first(found["category_id"]),
        relays=_most_first(found["relay_id"]),
        years=sorted(found["year"], reverse=True),
    )


def _most_first(counts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return sorted(counts, key=lambda pair: (-pair[1], pair[0]))


async def highlight_texts(post_ids: Sequence[int]) -> dict[int, sql.Row]:
    """The title, teaser and HTML of these posts, by id: what highlights are cut from."""
    if not post_ids:
        return {}
    marks = sql.placeholders(len(post_ids))
    rows = await sql.fetch(
        f"SELECT id, title, teaser, html FROM post WHERE id IN ({marks})", list(post_ids)
    )
    return {row["id"]: row for row in rows}

"""Danish full-text search over visible posts, ranked title > teaser > body.

PostgreSQL matches with its `danish` configuration on a generated, GIN-indexed tsvector;
SQLite matches Snowball stems in an FTS5 table (kept by `graph.search_index`). Both treat a
query as all of its words (AND), so both backends find the same posts.
"""

from __future__ import annotations

from graph import db
from graph.danish import stems
from graph.read import sql
from graph.read.access import Access
from graph.read.posts import (
    EVERY_COLUMN,
    PostFilter,
    PostSelect,
    filter_conditions,
    listed_condition,
)

# FTS5 bm25 column weights, in the same proportion as PostgreSQL's A/B/C (1.0, 0.4, 0.2).
_BM25 = "bm25(post_search, 10.0, 4.0, 2.0)"


def _source(
    query: str, post_filter: PostFilter, access: Access, joins: str = ""
) -> tuple[str, list[object]] | None:
    """FROM … WHERE … and its parameters; None when the query has no searchable word.

    A query of stop words only matches nothing on PostgreSQL; say the same on SQLite instead
    of handing FTS5 an empty MATCH (a syntax error).
    """
    words = stems(query)
    if not words:
        return None
    conditions, params = filter_conditions(post_filter)
    where = " AND ".join([listed_condition(post_filter, access), *conditions])
    if db.dialect() == "postgres":
        source = (
            f"FROM post p {joins} CROSS JOIN plainto_tsquery('danish', ?) q "
            f"WHERE p.search_vector @@ q AND {where}"
        )
        # PostgreSQL text cannot hold NUL; read it as a word break, as `stems()` does.
        return source, [query.replace("\x00", " "), *params]
    source = (
        f"FROM post_search s JOIN post p ON p.id = s.rowid {joins} "
        f"WHERE post_search MATCH ? AND {where}"
    )
    # Every stem, each quoted, so FTS5 operators in the query are only ever words.
    return source, [" AND ".join(f'"{word}"' for word in words), *params]


async def search_posts(
    query: str,
    post_filter: PostFilter,
    offset: int,
    limit: int,
    access: Access,
    select: PostSelect = EVERY_COLUMN,
) -> list[sql.Row]:
    """Up to `limit` matching posts from `offset`, best match first."""
    found = _source(query, post_filter, access, select.joins)
    if found is None:
        return []
    source, params = found
    rank = "ts_rank(p.search_vector, q) DESC" if db.dialect() == "postgres" else f"{_BM25} ASC"
    statement = (
        f"SELECT {select.columns} {source} "
        f"ORDER BY {rank}, p.published_at DESC, p.id DESC LIMIT ? OFFSET ?"
    )
    return select.nest(await sql.fetch(statement, [*params, limit, offset]))


async def count_matches(query: str, post_filter: PostFilter, access: Access) -> int:
    """How many visible posts match the query."""
    found = _source(query, post_filter, access)
    if found is None:
        return 0
    source, params = found
    rows = await sql.fetch(f"SELECT COUNT(*) AS n {source}", params)
    return int(rows[0]["n"])

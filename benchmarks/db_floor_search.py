"""The DB floor's search statement: the API's search SQL, in one statement.

The API answers a search with up to four statements (the page, the count, the facets, the
page's texts for highlights) plus its loaders for the facets' categories and relays. The
floor asks PostgreSQL for all of it at once, with the same strategy: the rank tiers walked
newest first with a window and a bucketed GIN fallback (built by `graph.read.search`
itself, so the floor cannot drift from it unnoticed), and the count and facets walking the
buckets up to SEARCH_COUNT_LIMIT + 1 matches, as `graph.read.search` does. What it leaves
out is GraphQL: parsing, validation, resolvers, and the round trips between statements.
"""

from __future__ import annotations

from benchmarks.db_floor_sql import Fields, obj
from graph.read import search
from graph.read.access import ANONYMOUS
from graph.read.posts import NO_FILTER
from graph.search import compile
from graph.search.syntax import Query

# Hits best first, then newest: the order of `graph.read.search.search_posts`.
BEST = "h.score DESC, h.hit_at DESC, h.hit_id DESC"
# Copenhagen years, as the API's `years` facet counts them.
YEAR = "CAST(extract(year FROM p.published_at AT TIME ZONE 'Europe/Copenhagen') AS int)"


def _conditions() -> tuple[str, str]:
    """(where, sort) of an anonymous search without a filter, as the API builds them."""
    where, params = search.Matching(Query(()), NO_FILTER, ANONYMOUS).conditions()
    assert not params, "the floor answers searches without a filter"
    return where, ANONYMOUS.sort_time()


def _hits(query: Query, wanted: int) -> list[str]:
    """The CTEs of the `wanted` best hits: one walk per tier, then `hits`."""
    where, sort = _conditions()
    ctes, parts = [], []
    for index, tier in enumerate(search.tiers(query)):
        # The read layer's own walk (private there: it is PostgreSQL's half of search_posts).
        cte, part = search._pg_tier_rows(tier, query, where, sort, wanted, index)
        ctes.append(cte)
        parts.append(part)
    union = " UNION ALL ".join(parts)
    return [
        *ctes,
        f"hits AS MATERIALIZED (SELECT h.* FROM ({union}) h ORDER BY {BEST} LIMIT {wanted})",
    ]


def _matched(query: Query, columns: str, limit: int) -> str:
    """Up to `limit` matches, bucket by bucket, newest bucket first (`search._matches`)."""
    where, _ = _conditions()
    whole = compile.ts_literal(compile.tsquery(query))
    return (
        f"matched AS MATERIALIZED (SELECT {columns} FROM generate_series("
        f"(SELECT max(id) FROM post_search) >> {search.BUCKET_BITS}, 0, -1) b(n) "
        "CROSS JOIN LATERAL (SELECT * FROM post_search p "
        f"WHERE p.bucket = b.n AND p.document @@ {whole} AND {where} LIMIT {limit}) p "
        f"LIMIT {limit})"
    )


def _page(node: Fields) -> str:
    """The hits as a JSON array of nodes, best first; `_score` beside each node's fields."""
    fields = {**node, "_score": "h.score"}
    return (
        f"(SELECT coalesce(json_agg({obj(fields)} ORDER BY {BEST}), '[]') FROM hits h "
        "JOIN post p ON p.id = h.hit_id JOIN relay pr ON pr.id = p.relay_id "
        "LEFT JOIN category pc ON pc.id = p.category_id)"
    )


def _facet(column: str, table: str, label: str, name: str, first: int) -> str:
    """The `first` biggest groups of the counted matches by `column`, as the API lists them."""
    inner = {"slug": "t.slug", name: f"t.{name}"}
    item = obj({label: obj(inner), "count": "f.n"})
    return (
        f"(SELECT coalesce(json_agg({item} ORDER BY f.n DESC, f.id), '[]') FROM ("
        f"SELECT {column} AS id, count(*) AS n FROM counted WHERE {column} IS NOT NULL "
        f"GROUP BY {column} ORDER BY n DESC, {column} LIMIT {first}) f "
        f"JOIN {table} t ON t.id = f.id)"
    )


def _years(first: int) -> str:
    item = obj({"year": "f.year", "count": "f.n"})
    return (
        f"(SELECT coalesce(json_agg({item} ORDER BY f.year DESC), '[]') FROM ("
        "SELECT year, count(*) AS n FROM counted WHERE year IS NOT NULL "
        f"GROUP BY year ORDER BY year DESC LIMIT {first}) f)"
    )


def statement(
    query: Query, first: int, count_limit: int, node: Fields, facets_first: int | None = None
) -> str:
    """One row: `total` (counted up to `count_limit + 1`), `posts` (up to `first + 1`
    nodes), and with `facets_first` the facets `categories`, `relays`, `years` over the
    first `count_limit` matches. Everything is inlined: the statement takes no parameters."""
    columns = "1 AS one" if facets_first is None else f"p.category_id, p.relay_id, {YEAR} AS year"
    ctes = [*_hits(query, first + 1), _matched(query, columns, count_limit + 1)]
    selected = ["(SELECT count(*) FROM matched) AS total", f"{_page(node)} AS posts"]
    if facets_first is not None:
        # The first `count_limit` rows of the same walk: the rows the API's facets count.
        ctes.append(f"counted AS MATERIALIZED (SELECT * FROM matched LIMIT {count_limit})")
        selected += [
            f"{_facet('category_id', 'category', 'category', 'name', facets_first)} AS categories",
            f"{_facet('relay_id', 'relay', 'relay', 'title', facets_first)} AS relays",
            f"{_years(facets_first)} AS years",
        ]
    return f"WITH {', '.join(ctes)} SELECT {', '.join(selected)}"

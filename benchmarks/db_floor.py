"""The DB floor: each operation answered by one hand-written statement, no GraphQL at all.

A bare Starlette handler per operation fetches what the operation shows with psycopg (an
async pool the size of Tortoise's) and shapes the same JSON by hand. Before a run measures
it, the runner checks that its answers equal the API's, so the floor is an honest one.
Run as `uvicorn benchmarks.db_floor:create_app --factory` with DATABASE_URL set; it takes
the API's request bodies at `POST /graphql`.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks import db_floor_search
from benchmarks import db_floor_sql as q
from graph.db import libpq_url
from graph.global_ids import to_global_id
from graph.search import syntax
from graph.search.highlight import Hit, highlight, matcher
from graph.settings import get_settings

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Tortoise's default pool for PostgreSQL: the floor gets no more connections than the API.
POOL_SIZE = 5

Row = dict[str, Any]
Handler = Callable[[AsyncConnection[Row], dict[str, Any]], Awaitable[dict[str, Any]]]


class UnsupportedVariables(ValueError):
    """The floor answers the measured variable sets only, not every one the API takes."""


def encode_cursor(values: list[Any]) -> str:
    """The API's opaque cursor format: URL-safe base64 of compact JSON, unpadded."""
    raw = orjson.dumps(values)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_post_cursor(cursor: str | None) -> tuple[dt.datetime | None, int | None]:
    """(published_at, id) from a post cursor, (None, None) without one."""
    if cursor is None:
        return None, None
    at, post_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return dt.datetime.fromisoformat(at), int(post_id)


def _post_cursor(node: Row) -> str:
    return encode_cursor([dt.datetime.fromisoformat(node["_at"]).isoformat(), node["_id"]])


def _copenhagen(value: str | dt.datetime | None) -> str | None:
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(COPENHAGEN).isoformat()


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def paged(
    nodes: list[Row],
    first: int,
    total: int,
    *,
    cursor: Callable[[int, Row], str] = lambda _index, node: _post_cursor(node),
    edge_cursors: bool = False,
    page_info: bool = True,
) -> dict[str, Any]:
    """A GraphQL connection (totalCount, pageInfo, edges) from up to `first + 1` nodes."""
    shown = nodes[:first]
    cursors = [cursor(index, node) for index, node in enumerate(shown)]
    edges = []
    for edge_cursor, node in zip(cursors, shown, strict=True):
        node = {key: value for key, value in node.items() if not key.startswith("_")}
        if "publishedAt" in node:
            node["publishedAt"] = _copenhagen(node["publishedAt"])
        edges.append({"cursor": edge_cursor, "node": node} if edge_cursors else {"node": node})
    shaped: dict[str, Any] = {"totalCount": total}
    if page_info:
        shaped["pageInfo"] = {
            "hasNextPage": len(nodes) > first,
            "endCursor": cursors[-1] if cursors else None,
        }
    shaped["edges"] = edges
    return shaped


async def _one(db: AsyncConnection[Row], statement: str, params: dict[str, Any]) -> Row | None:
    cursor = await db.execute(statement, params)
    return await cursor.fetchone()


def _only(variables: dict[str, Any], *allowed: str) -> None:
    unknown = set(variables) - set(allowed)
    if unknown:
        raise UnsupportedVariables(f"the floor does not take {sorted(unknown)}")


async def relay_page(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """RelayPage: the relay, its contributors and its newest posts."""
    _only(variables, "slug", "first")
    first = variables.get("first", 10)
    row = await _one(db, q.RELAY_PAGE, {"slug": variables["slug"], "limit": first + 1})
    if row is None:
        return {"relay": None}
    posts = paged(row["posts"], first, row["total"], edge_cursors=True)
    relay = {
        "id": to_global_id("Relay", row["id"]),
        "slug": row["slug"],
        "title": row["title"],
        "intro": row["intro"],
        "status": row["status"],
        "startedOn": _date(row["started_on"]),
        "endedOn": _date(row["ended_on"]),
        "contributors": row["contributors"],
        "posts": posts,
    }
    return {"relay": relay}


async def relays_with_posts(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """RelaysWithPosts: the newest relays, each with its newest posts."""
    _only(variables, "first", "postsFirst")
    first, posts_first = variables.get("first", 10), variables.get("postsFirst", 10)
    params = {"first": first, "limit": first + 1, "posts_first": posts_first}
    cursor = await db.execute(q.RELAYS_WITH_POSTS, params)
    rows = await cursor.fetchall()
    total = rows[0]["total"] if rows else await _relay_count(db)
    nodes = [_front_relay(row, posts_first) for row in rows]
    relays = paged(nodes, first, total, cursor=lambda _index, node: node["_cursor"])
    return {"relays": relays}


def _front_relay(row: Row, posts_first: int) -> Row:
    posts = paged(row["posts"] or [], posts_first, row["posts_total"] or 0, page_info=False)
    return {
        "slug": row["slug"],
        "title": row["title"],
        "status": row["status"],
        "posts": posts,
        "_cursor": encode_cursor([str(row["sort_value"]), row["id"]]),
    }


async def _relay_count(db: AsyncConnection[Row]) -> int:
    row = await _one(db, "SELECT count(*) AS n FROM relay", {})
    return 0 if row is None else int(row["n"])


async def post_page(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """PostPage: the post with its relay, bylines and neighbours."""
    _only(variables, "slug")
    row = await _one(db, q.POST_PAGE, {"slug": variables["slug"]})
    if row is None:
        return {"post": None}
    post = {
        "id": to_global_id("Post", row["id"]),
        **{key: row[key] for key in ("slug", "title", "teaser", "html")},
        "publishedAt": _copenhagen(row["published_at"]),
        **{key: row[key] for key in ("leg", "category", "relay", "bylines", "previous", "next")},
    }
    return {"post": post}


async def category_page(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """CategoryPage: one page of a category's posts, after a cursor."""
    _only(variables, "slug", "first", "after")
    first = variables.get("first", 10)
    after_at, after_id = decode_post_cursor(variables.get("after"))
    params = {
        "slug": variables["slug"],
        "limit": first + 1,
        "after_at": after_at,
        "after_id": after_id,
    }
    row = await _one(db, q.CATEGORY_PAGE, params)
    if row is None:
        return {"category": None}
    posts = paged(row["posts"], first, row["total"], edge_cursors=True)
    return {"category": {"slug": row["slug"], "name": row["name"], "posts": posts}}


async def author_page(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """AuthorPage: who the author is, where they work, what they wrote."""
    _only(variables, "slug", "first")
    first = variables.get("first", 10)
    row = await _one(db, q.AUTHOR_PAGE, {"slug": variables["slug"], "limit": first + 1})
    if row is None:
        return {"author": None}
    author = {
        "id": to_global_id("Author", row["id"]),
        **{key: row[key] for key in ("slug", "name", "bio", "affiliations")},
        "posts": paged(row["posts"], first, row["total"]),
    }
    return {"author": author}


async def organization_page(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """OrganizationPage: the organisation, its people and posts in its name."""
    _only(variables, "slug", "first")
    first = variables.get("first", 10)
    row = await _one(db, q.ORGANIZATION_PAGE, {"slug": variables["slug"], "limit": first + 1})
    if row is None:
        return {"organization": None}
    organization = {
        "id": to_global_id("Organization", row["id"]),
        **{key: row[key] for key in ("slug", "name")},
        "shortName": row["short_name"],
        "kind": row["kind"],
        "authors": row["authors"],
        "posts": paged(row["posts"], first, row["total"]),
    }
    return {"organization": organization}


SEARCH_WITH_FACETS_NODE = {
    "slug": "p.slug",
    "title": "p.title",
    "publishedAt": "p.published_at",
    "relay": q.obj(q.RELAY_REF),
    "_teaser": "p.teaser",  # for the highlights
    "_html": "p.html",
}
# The facets' default size, which SearchWithFacets keeps.
FACETS_FIRST = 10


async def search(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """Search: the first page of hits, best first, and how many there are."""
    return {"search": await _search(db, variables, q.LISTING_NODE, facets=False)}


async def search_with_facets(db: AsyncConnection[Row], variables: dict[str, Any]) -> dict[str, Any]:
    """SearchWithFacets: the first page with scores and highlights, counts and facets."""
    return {"search": await _search(db, variables, SEARCH_WITH_FACETS_NODE, facets=True)}


async def _search(
    db: AsyncConnection[Row], variables: dict[str, Any], node: q.Fields, facets: bool
) -> dict[str, Any]:
    _only(variables, "query", "first")
    first, query = variables.get("first", 10), syntax.parse(variables["query"])
    limit = get_settings().search_count_limit
    row: Row = {"total": 0, "posts": [], "categories": [], "relays": [], "years": []}
    if not query.matches_nothing:
        shown = FACETS_FIRST if facets else None
        cursor = await db.execute(db_floor_search.statement(query, first, limit, node, shown))
        row = await cursor.fetchone() or row
    hit = matcher(query)
    edges = [_search_edge(found, hit, facets) for found in row["posts"][:first]]
    answer: dict[str, Any] = {"totalCount": min(row["total"], limit)}
    if facets:
        answer["totalCountIsExact"] = row["total"] <= limit
    answer["pageInfo"] = {
        "hasNextPage": len(row["posts"]) > first,
        "endCursor": encode_cursor([len(edges)]) if edges else None,
    }
    answer["edges"] = edges
    if facets:
        answer["facets"] = {key: row[key] for key in ("categories", "relays", "years")}
    return answer


def _search_edge(found: Row, hit: Hit, facets: bool) -> dict[str, Any]:
    node = {key: value for key, value in found.items() if not key.startswith("_")}
    node["publishedAt"] = _copenhagen(node["publishedAt"])
    if not facets:
        return {"node": node}
    # Cut from the page's texts in Python, as the API does: part of making the answer.
    marked = highlight(hit, found["title"], found["_teaser"], found["_html"])
    highlights = {"title": marked.title, "teaser": marked.teaser, "body": marked.body}
    return {"score": float(found["_score"]), "highlights": highlights, "node": node}


HANDLERS: dict[str, Handler] = {
    "RelayPage": relay_page,
    "RelaysWithPosts": relays_with_posts,
    "PostPage": post_page,
    "CategoryPage": category_page,
    "AuthorPage": author_page,
    "OrganizationPage": organization_page,
    "Search": search,
    "SearchWithFacets": search_with_facets,
}


def create_app(database_url: str | None = None) -> Starlette:
    """The floor app on DATABASE_URL (or `database_url`)."""
    url = libpq_url(database_url or os.environ["DATABASE_URL"])
    # orjson parses the JSON columns several times faster than the standard library.
    set_json_loads(orjson.loads)
    pool: AsyncConnectionPool[AsyncConnection[Row]] = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=POOL_SIZE,
        open=False,
        connection_class=AsyncConnection[Row],
        kwargs={"autocommit": True, "row_factory": dict_row},
    )

    async def answer(request: Request) -> Response:
        body = orjson.loads(await request.body())
        handler = HANDLERS.get(body.get("operationName"))
        if handler is None:
            return Response(b'{"errors":[{"message":"unknown operation"}]}', status_code=400)
        try:
            async with pool.connection() as db:
                data = await handler(db, body.get("variables") or {})
        except UnsupportedVariables as error:
            return Response(orjson.dumps({"errors": [{"message": str(error)}]}), status_code=400)
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await pool.open()
        try:
            yield
        finally:
            await pool.close()

    return Starlette(routes=[Route("/graphql", answer, methods=["POST"])], lifespan=lifespan)

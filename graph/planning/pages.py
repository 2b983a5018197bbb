"""Connection sources: each parent's page of rows as edges, page info and (when asked) a total.

A page's rows come from the read layer's batched page functions, cut at `rows_to_fetch(first)`
(graph.read.pages); the cursors and argument checks are the standard path's (`graph.api`), so
both executors page alike. The other sources are in `graph.planning.sources`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from graph.cache import tags
from graph.paging.cursors import author_cursor, author_key, list_cursor, post_cursor
from graph.paging.filters import filter_from_arguments, filter_tags
from graph.paging.hits import find_hits
from graph.paging.pagination import (
    check_first,
    decode_keyed_cursor,
    parse_text,
    parse_timestamp,
)
from graph.planning.nodes import Parents, Request, Row, Source, Values
from graph.read import lists, lookups, posts
from graph.read.lookups import AuthorPage, People
from graph.read.pages import more_follow
from graph.read.posts import PageRequest, Scope

# The cursor of the row at an index of a page.
Cursor = Callable[[int, Row], str]


class Edge(dict[str, Any]):
    """One edge as a row: its node's row, and its cursor made only if it is read."""

    def __init__(self, index: int, node: Row, cursor: Cursor) -> None:
        super().__init__(node=node)
        self.index, self.cursor = index, cursor

    def __missing__(self, key: str) -> Any:
        if key != "cursor":
            raise KeyError(key)
        self["cursor"] = value = self.cursor(self.index, self["node"])
        return value


class Page(dict[str, Any]):
    """One connection as a row: edges, page info and total (None when not asked for).

    The cursors at the page's ends are made only if `startCursor`/`endCursor` are read.
    """

    def __missing__(self, key: str) -> Any:
        if key not in ("start", "end"):
            raise KeyError(key)
        edges = self["edges"]
        return (edges[0] if key == "start" else edges[-1])["cursor"] if edges else None


def _tagged(request: Request, type_name: str, first: int, rows: Sequence[Row]) -> Sequence[Row]:
    """The rows, each shown one's tags added: a page's objects tag the answer whether or not
    the query shows them (`{ posts { totalCount } }`), as the standard path's pages do."""
    for row in rows[:first]:
        request.tags.update(tags.of_row(type_name, row))
    return rows


def page_row(
    rows: Sequence[Row], cursor: Cursor, first: int, after: str | None, count: int | None
) -> Page:
    """A page from up to `first + 1` rows: the extra one only says more follow."""
    return Page(
        edges=[Edge(index, row, cursor) for index, row in enumerate(rows[:first])],
        has_next=more_follow(rows, first),
        has_previous=after is not None,
        count=count,
    )


def _pages(
    request: Request,
    type_name: str,
    cursor: Cursor,
    ids: Sequence[int],
    pages: Mapping[int, Sequence[Row]],
    counts: Mapping[int, int] | None,
    arguments: Values,
) -> list[Page]:
    """One page per parent (in the parents' order) from each parent's up to `first + 1` rows,
    with its count when `totalCount` was asked for."""
    first, after = arguments["first"], arguments["after"]
    return [
        page_row(
            _tagged(request, type_name, first, pages.get(parent_id, [])),
            cursor,
            first,
            after,
            None if counts is None else counts.get(parent_id, 0),
        )
        for parent_id in ids
    ]


def post_pages(scope: Scope, counted: bool) -> Source:
    """A page of posts under each parent (its id; 0 for the site-wide list)."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        first, after = arguments["first"], arguments["after"]
        page = PageRequest(
            check_first(first, request.settings.max_page_size),
            decode_keyed_cursor(after, parse_timestamp),
        )
        post_filter = filter_from_arguments(arguments.get("filter"))
        ids = [parent.get("id", 0) for parent in parents]
        for parent_id in ids:
            request.tags.add(tags.relay_posts(parent_id) if scope is Scope.RELAY else tags.POSTS)
        if ids:
            request.tags.update(filter_tags(post_filter))
        unique = list(dict.fromkeys(ids))
        pages = await posts.post_pages(
            scope, unique, post_filter, page, request.access, request.posts
        )
        counts = None
        if counted:
            counts = await posts.post_counts(scope, unique, post_filter, request.access)
        return _pages(request, "Post", _post_cursor, ids, pages, counts, arguments)

    return source


def author_pages(people: People, counted: bool) -> Source:
    """A page of each relay's contributors or each organisation's authors."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        first, after = arguments["first"], arguments["after"]
        ids = [parent["id"] for parent in parents]
        if people is People.CONTRIBUTORS:
            for relay_id in ids:
                request.tags.add(tags.relay_posts(relay_id))
        page = AuthorPage(
            check_first(first, request.settings.max_page_size), author_key(people, after)
        )
        unique = list(dict.fromkeys(ids))
        pages = await lookups.author_pages(people, unique, page, request.access)
        counts = None
        if counted:
            counts = await lookups.author_counts(people, unique, request.access)
        return _pages(request, "Author", _author_cursor, ids, pages, counts, arguments)

    return source


def _author_cursor(index: int, row: Row) -> str:
    return author_cursor(row)


def _post_cursor(index: int, row: Row) -> str:
    return post_cursor(row)


def _list_cursor(index: int, row: Row) -> str:
    return list_cursor(row)


LIST_TYPES = {"relay": "Relay", "author": "Author", "organization": "Organization"}
LIST_PARSERS: dict[str, Callable[[Any], Any]] = {
    "relay": lists.relay_sort_value,
    "author": parse_text,
    "organization": parse_text,
}


def list_page(spec: lists.ListSpec, counted: bool) -> Source:
    """A page of relays, authors or organisations (the root's only parent)."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        first, after = arguments["first"], arguments["after"]
        status = arguments.get("status")
        conditions, params = lists.relay_conditions(None if status is None else status.value)
        request.tags.add(tags.LIST_OF_TABLE[spec.table])
        key = decode_keyed_cursor(after, LIST_PARSERS[spec.table])
        rows = await lists.page(
            spec, check_first(first, request.settings.max_page_size), key, conditions, params
        )
        count = await lists.count(spec, conditions, params) if counted else None
        tagged = _tagged(request, LIST_TYPES[spec.table], first, rows)
        return [page_row(tagged, _list_cursor, first, after, count)]

    return source


class SearchHit(Edge):
    """A search edge: its post's row, its cursor, and its page's highlights (made once)."""

    def __init__(self, edge: Edge, texts: Callable[[], Awaitable[Any]]) -> None:
        super().__init__(edge.index, edge["node"], edge.cursor)
        self.texts = texts


def search_page(counted: bool) -> Source:
    """A page of search hits, best first (the root's only parent)."""

    async def source(parents: Parents, arguments: Values, request: Request) -> list[Any]:
        first, after = arguments["first"], arguments["after"]
        post_filter = filter_from_arguments(arguments.get("filter"))
        hits = await find_hits(
            arguments["query"],
            post_filter,
            request.access,
            first,
            after,
            request.settings,
            request.posts,
        )
        request.tags.update(hits.tags)
        tagged = _tagged(request, "Post", first, hits.rows)
        page = page_row(tagged, lambda index, _: hits.cursor(index), first, after, None)
        if counted:
            page["count"], page["exact"] = await hits.count()
        page["edges"] = [SearchHit(edge, hits.texts) for edge in page["edges"]]
        page["hits"] = hits
        return [page]

    return source

"""Where a Join's rows come from: the read layer's batched functions, one call per level.

Every source takes all parents of one level at once and returns, per parent, its child row
(or None) or its list of child rows. The fetching functions are the ones the standard path's
loaders call (`graph.read`), so a filter or visibility rule is written once; the argument
checks and cursors are the standard path's too (`graph.api`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any

from graph.cache import tags
from graph.paging.hits import check_facet_first
from graph.paging.ids import from_global_id
from graph.paging.pagination import (
    check_first,
)
from graph.planning.nodes import Parents, Request, Row, Source, Values
from graph.read import lookups, posts, previews
from graph.request.loaders import MAX_PREVIOUS_SLUGS

Fetch = Callable[[Sequence[Any]], Awaitable[list[Any]]]
# Rows for a batch of parent ids (bylines of posts …), in the order each parent lists them.
Gather = Callable[[Sequence[int]], Awaitable[Sequence[Row]]]


async def _memoised(
    request: Request, kind: str, keys: Sequence[Hashable], fetch: Fetch, column: str = "id"
) -> dict[Any, Any]:
    """Rows by key, fetching only keys this request has not fetched yet under `kind`."""
    known: dict[Any, Any] = request.memo.setdefault(kind, {})
    missing = [key for key in dict.fromkeys(keys) if key is not None and key not in known]
    if missing:
        for row in await fetch(missing):
            known[row[column]] = row
        for key in missing:
            known.setdefault(key, None)
    return known


def by_id(table: str, column: str) -> Source:
    """The `table` row whose id is each parent's `column` (a to-one relation)."""

    async def fetch(ids: Sequence[Any]) -> list[Any]:
        return await lookups.rows_by(table, "id", ids)

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        ids = [parent[column] for parent in parents]
        found = await _memoised(request, table, ids, fetch)
        return [None if key is None else found[key] for key in ids]

    return source


async def _posts_by_ids(request: Request, ids: Sequence[int | None]) -> list[Row | None]:
    async def fetch(keys: Sequence[Any]) -> list[Any]:
        return await posts.posts_by_ids(keys, request.access, request.posts)

    found = await _memoised(request, "post", ids, fetch)
    return [None if key is None else found[key] for key in ids]


def grouped(fetch: Gather, column: str) -> Source:
    """Each parent's list of rows whose `column` is the parent's id (a to-many relation)."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        ids = [parent["id"] for parent in parents]
        rows: dict[Any, list[Row]] = defaultdict(list)
        for row in await fetch(list(dict.fromkeys(ids))):
            rows[row[column]].append(row)
        return [rows.get(key, []) for key in ids]

    return source


def joined(name: str, fetch: Source) -> Source:
    """The row the parent's fetch joined in as `name`, or, if it joined none, `fetch`'s."""

    async def source(parents: Parents, arguments: Values, request: Request) -> list[Any]:
        if parents and name in parents[0]:
            return [parent[name] for parent in parents]
        return await fetch(parents, arguments, request)

    return source


async def revisions(parents: Parents, arguments: Values, request: Request) -> list[Any]:
    """Each post's `first` newest revisions (for editors: anonymous callers get a null Leaf)."""
    newest = request.settings.max_page_size  # as the standard path's loader reads them
    first = check_first(arguments["first"], newest)

    async def fetch(keys: Sequence[int]) -> Sequence[Row]:
        return await lookups.revisions_for_posts(keys, newest)

    pages = await grouped(fetch, "post_id")(parents, arguments, request)
    return [page[:first] for page in pages]


async def pending(parents: Parents, arguments: Values, request: Request) -> list[Any]:
    """Each post's staged edit, or None (for editors: anonymous callers get a null Leaf)."""
    ids = [parent["id"] for parent in parents]
    found = await _memoised(request, "pending", ids, previews.pending_for_posts, "post_id")
    return [found[key] for key in ids]


NEIGHBOURS = ("prev_id", "next_id")


def neighbour(column: str) -> Source:
    """The visible post before (`prev_id`) or after (`next_id`) each post in its relay."""

    async def fetch(ids: Sequence[Any], request: Request) -> list[Any]:
        return await posts.neighbours(ids, request.access)

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        ids = [parent["id"] for parent in parents]

        async def neighbours(keys: Sequence[Any]) -> list[Any]:
            return await fetch(keys, request)

        steps = await _memoised(request, "neighbours", ids, neighbours)
        found = [steps[key] for key in ids if steps[key] is not None]
        # Both neighbours in one statement: a page showing one nearly always shows the other.
        await _posts_by_ids(request, [step[name] for step in found for name in NEIGHBOURS])
        targets = [None if steps[key] is None else steps[key][column] for key in ids]
        return await _posts_by_ids(request, targets)

    return source


async def highlights(parents: Parents, arguments: Values, request: Request) -> list[Any]:
    """Each hit's highlights: one statement for the whole page."""
    found = []
    for hit in parents:
        marked = (await hit.texts())[hit["node"]["id"]]  # type: ignore[attr-defined]
        found.append({"title": marked.title, "teaser": marked.teaser, "body": marked.body})
    return found


async def facets(parents: Parents, arguments: Values, request: Request) -> list[Any]:
    """The facet counts of each search page: one statement, only when asked for."""
    return [{"counts": await page["hits"].facets()} for page in parents]


def facet_buckets(name: str, key: str, type_name: str | None = None) -> Source:
    """One facet's first buckets, each a row with the bucket's `key` and its `count`; each
    bucket's object tags the answer whether or not the query shows it (as on the standard
    path)."""

    async def source(parents: Parents, arguments: Values, request: Request) -> list[Any]:
        first = check_facet_first(arguments["first"])
        found = [getattr(row["counts"], name)[:first] for row in parents]
        if type_name is not None:
            for value, _ in (bucket for buckets in found for bucket in buckets):
                request.tags.update(tags.of_row(type_name, {"id": value}))
        return [[{key: value, "count": count} for value, count in buckets] for buckets in found]

    return source


async def categories(
    parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
) -> list[Any]:
    """Every category (the root's only parent)."""
    request.tags.add(tags.CATEGORIES)
    return [await lookups.all_categories()]


def by_slug(type_name: str) -> Source:
    """The object with the `slug` argument, live or old; a miss, or a find by an old slug
    (which another object may take), depends on its kind's list."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        slug = arguments["slug"]
        if type_name == "Post":
            rows = await posts.posts_by_slugs([slug], request.access, request.posts)
        else:
            rows = await lookups.rows_by_slug(type_name.lower(), [slug])
        if not rows or rows[0]["slug"] != slug:
            request.tags.add(tags.LIST_OF[type_name])
        return [rows[0] if rows else None]

    return source


def previous_slugs(kind: str) -> Source:
    """Each parent's old slugs, newest first: plain strings, one list per parent."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        ids = list(dict.fromkeys(parent["id"] for parent in parents))
        found: dict[int, list[str]] = defaultdict(list)
        for row in await lookups.previous_slugs(kind, ids, MAX_PREVIOUS_SLUGS):
            found[row["object_id"]].append(row["slug"])
        return [found.get(parent["id"], []) for parent in parents]

    return source


NODE_TABLES = {"Relay": "relay", "Author": "author", "Organization": "organization"}


async def node(parents: Parents, arguments: Values, request: Request) -> list[Any]:
    """The object with the `id` argument, marked with its type; unknown types are null."""
    type_name, pk = from_global_id(arguments["id"])
    if type_name == "Post":
        (row,) = await _posts_by_ids(request, [pk])
    elif type_name in NODE_TABLES:
        (row,) = await by_id(NODE_TABLES[type_name], "id")([{"id": pk}], arguments, request)
    else:
        return [None]
    if row is None:
        request.tags.add(tags.LIST_OF[type_name])
        return [None]
    return [{**row, "__type": type_name}]


def derived(read: Callable[[Row], Any]) -> Source:
    """Children already inside the parent row (a page's edges, an edge's node): no fetch."""

    async def source(
        parents: Sequence[Row], arguments: Mapping[str, Any], request: Request
    ) -> list[Any]:
        return [read(parent) for parent in parents]

    return source

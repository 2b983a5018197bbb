"""The root Query: lists, lookups by slug, `node` and search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry

from graph.api.connections import Connection, connection
from graph.api.jobs import JobQueries
from graph.api.previews import PreviewQueries
from graph.api.search import SearchConnection, search_connection
from graph.api.types import (
    AFTER,
    FILTER,
    FIRST,
    Author,
    Category,
    Node,
    Organization,
    Post,
    Relay,
    post_connection,
)
from graph.api.webhooks import WebhookQueries
from graph.cache import tags
from graph.enums import RelayStatus
from graph.paging.cursors import list_cursor
from graph.paging.filters import PostFilterInput, to_filter
from graph.paging.ids import from_global_id
from graph.paging.pagination import (
    check_first,
    decode_keyed_cursor,
    parse_text,
)
from graph.read import lists, lookups, sql
from graph.read.posts import Scope
from graph.request.context import Info

T = TypeVar("T")

SLUG = strawberry.argument(description="The object's URL name, current or old.")
OLD_SLUGS = (
    "An old slug finds the object too (its `slug` is then the current one: answer with a "
    "redirect); a live slug wins over another object's old one."
)
SEARCH_SYNTAX = (
    'Words to look for, web-search style: `"exact phrase"`, `-exclude`, `a or b`, and a '
    "trailing `*` for words that start so (`tillids*`). Odd input is never an error."
)


async def _list_connection(
    info: Info,
    spec: lists.ListSpec,
    build: Callable[[sql.Row], T],
    parse: Callable[[Any], Any],
    first: int,
    after: str | None,
    conditions: list[str] | None = None,
    params: list[Any] | None = None,
) -> Connection[T]:
    conditions, params = conditions or [], params or []
    tags.add(tags.LIST_OF_TABLE[spec.table])
    key = decode_keyed_cursor(after, parse)
    limit = info.context.settings.max_page_size
    rows = await lists.page(spec, check_first(first, limit), key, conditions, params)

    async def count() -> int:
        return await lists.count(spec, conditions, params)

    return connection(rows, lambda index, row: (list_cursor(row), build(row)), first, after, count)


def _by_slug(row: sql.Row | None, build: Callable[[sql.Row], T], kind: str) -> T | None:
    """The object a slug lookup found; found by an old slug, the answer also depends on its
    kind's list, where another object may take that slug (and wins)."""
    if row is not None and row["slug"] != row["asked_slug"]:
        tags.add(tags.LIST_OF[kind])
    return _or_none(row, build, kind)


def _or_none(row: sql.Row | None, build: Callable[[sql.Row], T], kind: str) -> T | None:
    if row is None:
        # Nothing now; creating or publishing one with this key changes the list of its kind.
        tags.add(tags.LIST_OF[kind])
        return None
    return build(row)


@strawberry.type(description="Read access to relays, posts, authors, organisations, categories.")
class Query(JobQueries, WebhookQueries, PreviewQueries):
    @strawberry.field(description="Any object by its global id; null if none is visible.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, pk = from_global_id(id)
        loaders = info.context.loaders
        builders: dict[str, tuple[Any, Callable[[sql.Row], Node]]] = {
            "Relay": (loaders.relay_by_id, Relay.from_row),
            "Post": (loaders.post_by_id, Post.from_row),
            "Author": (loaders.author_by_id, Author.from_row),
            "Organization": (loaders.organization_by_id, Organization.from_row),
        }
        if type_name not in builders:
            return None
        loader, build = builders[type_name]
        return _or_none(await loader.load(pk), build, type_name)

    @strawberry.field(description="Relays, newest first (not yet started ones first of all).")
    async def relays(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
        status: Annotated[
            RelayStatus | None, strawberry.argument(description="Only relays in this state.")
        ] = None,
    ) -> Connection[Relay]:
        conditions, params = lists.relay_conditions(None if status is None else status.value)
        return await _list_connection(
            info,
            lists.RELAYS,
            Relay.from_row,
            lists.relay_sort_value,
            first,
            after,
            conditions,
            params,
        )

    @strawberry.field(description=f"One relay by slug. {OLD_SLUGS}")
    async def relay(self, info: Info, slug: Annotated[str, SLUG]) -> Relay | None:
        row = await info.context.loaders.relay_by_slug.load(slug)
        return _by_slug(row, Relay.from_row, "Relay")

    @strawberry.field(
        description="Posts across all relays, newest first; only published ones without a token."
    )
    async def posts(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
        filter: Annotated[PostFilterInput | None, FILTER] = None,
    ) -> Connection[Post]:
        return await post_connection(info, Scope.ALL, 0, first, after, to_filter(filter))

    @strawberry.field(
        description=f"One post by slug; drafts are invisible without a token. {OLD_SLUGS}"
    )
    async def post(self, info: Info, slug: Annotated[str, SLUG]) -> Post | None:
        return _by_slug(await info.context.loaders.post_by_slug.load(slug), Post.from_row, "Post")

    @strawberry.field(description="Authors by name, in Danish alphabetical order (æ, ø, å last).")
    async def authors(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Author]:
        return await _list_connection(
            info, lists.AUTHORS, Author.from_row, parse_text, first, after
        )

    @strawberry.field(description=f"One author by slug. {OLD_SLUGS}")
    async def author(self, info: Info, slug: Annotated[str, SLUG]) -> Author | None:
        row = await info.context.loaders.author_by_slug.load(slug)
        return _by_slug(row, Author.from_row, "Author")

    @strawberry.field(description="Organisations by name, in Danish alphabetical order.")
    async def organizations(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Organization]:
        return await _list_connection(
            info, lists.ORGANIZATIONS, Organization.from_row, parse_text, first, after
        )

    @strawberry.field(description=f"One organisation by slug. {OLD_SLUGS}")
    async def organization(self, info: Info, slug: Annotated[str, SLUG]) -> Organization | None:
        row = await info.context.loaders.organization_by_slug.load(slug)
        return _by_slug(row, Organization.from_row, "Organization")

    @strawberry.field(description="Every category, in Danish alphabetical order.")
    async def categories(self) -> list[Category]:
        tags.add(tags.CATEGORIES)
        return [Category.from_row(row) for row in await lookups.all_categories()]

    @strawberry.field(description=f"One category by slug. {OLD_SLUGS}")
    async def category(self, info: Info, slug: Annotated[str, SLUG]) -> Category | None:
        row = await info.context.loaders.category_by_slug.load(slug)
        return _by_slug(row, Category.from_row, "Category")

    @strawberry.field(
        description=(
            "Danish full-text search over published posts, best first: title over teaser over "
            "body, the words as a phrase over scattered, then newest. Stems words (børnesager "
            "finds børnesag); every word must match."
        )
    )
    async def search(
        self,
        info: Info,
        query: Annotated[str, strawberry.argument(description=SEARCH_SYNTAX)],
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
        filter: Annotated[PostFilterInput | None, FILTER] = None,
    ) -> SearchConnection:
        return await search_connection(info, query, first, after, to_filter(filter))

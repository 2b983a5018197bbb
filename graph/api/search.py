"""The `search` field's types: hits with scores and highlights, bounded counts, facets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from graph.api.connections import PageInfo
from graph.api.types import Category, Post, Relay
from graph.cache import tags
from graph.paging.hits import check_facet_first, find_hits, once
from graph.read import search, sql
from graph.read.posts import PostFilter
from graph.request.context import Info
from graph.search.highlight import Highlights

T = TypeVar("T")
FACET_FIRST = strawberry.argument(description="How many buckets, most matches first (≤ 100).")
EXACT_UP_TO = (
    "Exact up to the server's SEARCH_COUNT_LIMIT (10,000 by default); past it, that limit "
    "(see `totalCountIsExact`)."
)


@strawberry.type(description="A hit's text with the matched words marked.")
class SearchHighlights:
    title: str = strawberry.field(
        description="The title, HTML-escaped, each matched word in `<mark>`…`</mark>`."
    )
    teaser: str = strawberry.field(description="The teaser, HTML-escaped and marked likewise.")
    body: list[str] = strawberry.field(
        description="Up to three passages of the body's text around matched words, in text "
        "order, HTML-escaped and marked likewise; `…` shows where a passage was cut."
    )


@strawberry.type(description="One search hit: the post, how well it matched, where.")
class SearchEdge:
    cursor: str = strawberry.field(description="Opaque position of this hit; stable.")
    node: Post = strawberry.field(description="The post.")
    score: float = strawberry.field(
        description="Rank tier, higher first: 1.5 the title holds the words as a phrase, 1.0 "
        "the title holds them, 0.75 and 0.5 the teaser likewise, 0.2 the post as a whole. "
        "Ties are newest first."
    )
    texts: strawberry.Private[Callable[[], Awaitable[dict[int, Highlights]]]]

    @strawberry.field(description="The title, teaser and body passages with matches marked.")
    async def highlights(self) -> SearchHighlights:
        found = (await self.texts())[self.node.pk]
        return SearchHighlights(title=found.title, teaser=found.teaser, body=found.body)


@strawberry.type(description="How many hits are in one category.")
class CategoryFacet:
    category: Category = strawberry.field(description="The category.")
    count: int = strawberry.field(description="Hits in it.")


@strawberry.type(description="How many hits are in one relay.")
class RelayFacet:
    relay: Relay = strawberry.field(description="The relay.")
    count: int = strawberry.field(description="Hits in it.")


@strawberry.type(description="How many hits were published in one year (Copenhagen time).")
class YearFacet:
    year: int = strawberry.field(description="The year.")
    count: int = strawberry.field(description="Hits published in it.")


async def _with_rows(
    pairs: list[tuple[int, int]], loader: DataLoader[Any, sql.Row | None]
) -> list[tuple[sql.Row, int]]:
    """Each bucket's row (one batch) with its count; a bucket whose row is gone is left out."""
    rows = await loader.load_many([key for key, _ in pairs])
    return [(row, n) for row, (_, n) in zip(rows, pairs, strict=True) if row is not None]


@strawberry.type(
    description="Hits per category, relay and year. Counted over the first SEARCH_COUNT_LIMIT "
    "hits: exact when `totalCountIsExact` is true, lower bounds otherwise."
)
class SearchFacets:
    counts: strawberry.Private[Callable[[], Awaitable[search.FacetCounts]]]

    @strawberry.field(description="Categories with hits, most hits first.")
    async def categories(
        self, info: Info, first: Annotated[int, FACET_FIRST] = 10
    ) -> list[CategoryFacet]:
        pairs = (await self.counts()).categories[: check_facet_first(first)]
        found = await _with_rows(pairs, info.context.loaders.category_by_id)
        return [CategoryFacet(category=Category.from_row(row), count=n) for row, n in found]

    @strawberry.field(description="Relays with hits, most hits first.")
    async def relays(self, info: Info, first: Annotated[int, FACET_FIRST] = 10) -> list[RelayFacet]:
        pairs = (await self.counts()).relays[: check_facet_first(first)]
        found = await _with_rows(pairs, info.context.loaders.relay_by_id)
        return [RelayFacet(relay=Relay.from_row(row), count=n) for row, n in found]

    @strawberry.field(description="Years with hits, newest first.")
    async def years(self, first: Annotated[int, FACET_FIRST] = 10) -> list[YearFacet]:
        pairs = (await self.counts()).years[: check_facet_first(first)]
        return [YearFacet(year=year, count=count) for year, count in pairs]


@strawberry.type(description="A page of search hits, best first, with counts and facets.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The hits of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    count: strawberry.Private[Callable[[], Awaitable[tuple[int, bool]]]]
    facet_counts: strawberry.Private[Callable[[], Awaitable[search.FacetCounts]]]

    @strawberry.field(description=f"How many posts match. {EXACT_UP_TO}")
    async def total_count(self) -> int:
        return (await self.count())[0]

    @strawberry.field(description="False when there are more hits than `totalCount` says.")
    async def total_count_is_exact(self) -> bool:
        return (await self.count())[1]

    @strawberry.field(description="Hits per category, relay and year (counted only if asked).")
    def facets(self) -> SearchFacets:
        return SearchFacets(counts=self.facet_counts)


async def search_connection(
    info: Info, text: str, first: int, after: str | None, post_filter: PostFilter
) -> SearchConnection:
    """One page of hits for a search text, its count and facets made only if asked for."""
    context = info.context
    page = await find_hits(text, post_filter, context.access, first, after, context.settings)
    tags.add(*page.tags)
    edges = [
        SearchEdge(
            cursor=page.cursor(index),
            node=Post.from_row(row),
            score=row["score"],
            texts=page.texts,
        )
        for index, row in enumerate(page.rows[:first])
    ]
    page_info = PageInfo(
        has_next_page=len(page.rows) > first,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return SearchConnection(
        edges=edges,
        page_info=page_info,
        count=once(page.count),
        facet_counts=once(page.facets),
    )

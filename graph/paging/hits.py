"""A page of search hits, what both executors build a search answer from.

The checks on the search text and paging, the page's rows, and its count, facets and
highlights made later and only when asked for. The standard path's types
(graph.api.search) and the planner's sources (graph.planning.sources) both start here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from graph.cache import tags
from graph.paging.filters import filter_tags
from graph.paging.pagination import (
    check_first,
    cursor_integer,
    decode_cursor,
    encode_cursor,
)
from graph.read import search, sql
from graph.read.access import Access
from graph.read.posts import EVERY_COLUMN, PostFilter, PostSelect
from graph.request.errors import ClientError
from graph.search import syntax
from graph.search.highlight import Highlights, Hit, highlight, matcher
from graph.settings import Settings

T = TypeVar("T")

# Search pages by offset; deeper than this is a crawler, not a reader.
MAX_SEARCH_OFFSET = 10_000


def check_search_query(query: str, settings: Settings) -> None:
    """Refuse a search without a word in it, or longer than the caps, before any stemming."""
    if len(query) > settings.max_search_chars:
        raise ClientError(
            f"`query` may be at most {settings.max_search_chars} characters long; got {len(query)}."
        )
    terms = len(query.split())
    if not terms:
        raise ClientError("`query` must contain at least one word.")
    if terms > settings.max_search_terms:
        raise ClientError(
            f"`query` may hold at most {settings.max_search_terms} words; got {terms}."
        )


def search_offset(after: str | None) -> int:
    """Where a search page starts: the offset inside its `after` cursor."""
    if after is None:
        return 0
    (offset,) = decode_cursor(after, 1)
    return cursor_integer(after, offset, MAX_SEARCH_OFFSET)


def search_cursor(offset: int, index: int) -> str:
    """The cursor of the `index`th hit of a search page that starts at `offset`."""
    return encode_cursor([offset + index + 1])


def once(make: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """`make`, run at most once however many fields await it."""
    task: asyncio.Future[T] | None = None

    def get() -> Awaitable[T]:
        nonlocal task
        if task is None:
            task = asyncio.ensure_future(make())
        return task

    return get


def highlight_page(post_ids: list[int], hit: Hit) -> Callable[[], Awaitable[dict[int, Highlights]]]:
    """The page's highlights by post id, made on first use with one statement."""

    async def make() -> dict[int, Highlights]:
        texts = await search.highlight_texts(post_ids)
        return {
            post_id: highlight(hit, row["title"], row["teaser"], row["html"])
            for post_id, row in texts.items()
        }

    return once(make)


def counted(count: int, limit: int) -> tuple[int, bool]:
    """(totalCount, totalCountIsExact) from a count made up to the limit plus one."""
    return min(count, limit), count <= limit


@dataclass(frozen=True)
class HitPage:
    """One page of hits (up to `first + 1` rows), and what its counts, facets and
    highlights are made from: both executors build their answers from it."""

    matching: search.Matching
    offset: int
    rows: list[sql.Row]
    texts: Callable[[], Awaitable[dict[int, Highlights]]]
    tags: tuple[str, ...]
    count_limit: int  # SEARCH_COUNT_LIMIT: counts and facets stop here

    def cursor(self, index: int) -> str:
        return search_cursor(self.offset, index)

    async def count(self) -> tuple[int, bool]:
        """(totalCount, totalCountIsExact)."""
        limit = self.count_limit
        return counted(await search.count_matches(self.matching, limit + 1), limit)

    async def facets(self) -> search.FacetCounts:
        return await search.facet_counts(self.matching, self.count_limit)


async def find_hits(
    text: str,
    post_filter: PostFilter,
    access: Access,
    first: int,
    after: str | None,
    settings: Settings,
    select: PostSelect = EVERY_COLUMN,
) -> HitPage:
    """The page of hits a search text asks for, checked; counts and highlights are made
    later, and only if asked for."""
    check_search_query(text, settings)
    query = syntax.parse(text)
    matching = search.Matching(query, post_filter, access)
    offset = search_offset(after)
    rows = await search.search_posts(
        matching, offset, check_first(first, settings.max_page_size) + 1, select
    )
    texts = highlight_page([row["id"] for row in rows[:first]], matcher(query))
    found_tags = (tags.POSTS, *filter_tags(post_filter))
    return HitPage(matching, offset, rows, texts, found_tags, settings.search_count_limit)


def check_facet_first(first: int) -> int:
    """Refuse facet sizes outside 0..100."""
    if not 0 <= first <= 100:
        raise ClientError(f"`first` must be between 0 and 100; got {first}.")
    return first

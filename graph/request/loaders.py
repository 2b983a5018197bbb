"""Per-request DataLoaders: one per access path, each one SQL statement per batch."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader as StrawberryLoader

from graph.read import batons, lookups, posts, previews, sql
from graph.read.access import Access
from graph.read.lookups import AuthorPage, People
from graph.read.posts import PageRequest, PostFilter, Scope

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class DataLoader(StrawberryLoader[K, V]):
    """Strawberry's DataLoader, whose cached answers survive a cancelled caller.

    graphql-core cancels the siblings of a failed list item. A cancelled resolver would
    cancel the cached future it awaits, and every other field waiting on the same key (an
    alias, a fragment) would then get CancelledError, which escapes the whole request.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


# `previousSlugs` lists at most this many, newest first (older ones still lead to the object).
MAX_PREVIOUS_SLUGS = 50

# (scope, parent id, filter, page) and (scope, parent id, filter)
PageKey = tuple[Scope, int, PostFilter, PageRequest]
CountKey = tuple[Scope, int, PostFilter]
# (which people, parent id, page) and (which people, parent id)
AuthorPageKey = tuple[People, int, AuthorPage]
AuthorCountKey = tuple[People, int]


def _one_each(
    fetch: Callable[[Sequence[K]], Awaitable[list[sql.Row]]], column: str
) -> DataLoader[K, sql.Row | None]:
    """A loader returning the row whose `column` equals each key, or None."""

    async def load(keys: Sequence[K]) -> list[sql.Row | None]:
        found = {row[column]: row for row in await fetch(keys)}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _many_each(
    fetch: Callable[[Sequence[K]], Awaitable[list[sql.Row]]], column: str
) -> DataLoader[K, list[sql.Row]]:
    """A loader returning, for each key, the rows whose `column` equals it, in fetch order."""

    async def load(keys: Sequence[K]) -> list[list[sql.Row]]:
        grouped: dict[Any, list[sql.Row]] = defaultdict(list)
        for row in await fetch(keys):
            grouped[row[column]].append(row)
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def _table(table: str, column: str) -> Callable[[Sequence[Any]], Awaitable[list[sql.Row]]]:
    async def fetch(keys: Sequence[Any]) -> list[sql.Row]:
        if column == "slug":
            return await lookups.rows_by_slug(table, keys)
        return await lookups.rows_by(table, column, keys)

    return fetch


def _row_loader(table: str, column: str) -> cached_property[DataLoader[Any, sql.Row | None]]:
    """A Loaders attribute: the loader of `table` rows by `column`, made on first use.

    By slug, old slugs find their object too; the row's `slug` is then its current one.
    """
    key = "asked_slug" if column == "slug" else column
    return cached_property(lambda self: _one_each(_table(table, column), key))


class Loaders:
    """Every loader one request may use; made fresh per request so nothing leaks between.

    Each loader is made on first use: a planned query (graph.planning) uses none of them.
    """

    def __init__(self, access: Access, max_page_size: int) -> None:
        self.access = access
        self.max_page_size = max_page_size  # MAX_PAGE_SIZE of the app serving the request
        self._previous_slugs: dict[str, DataLoader[int, list[sql.Row]]] = {}

    relay_by_id = _row_loader("relay", "id")
    relay_by_slug = _row_loader("relay", "slug")
    author_by_id = _row_loader("author", "id")
    author_by_slug = _row_loader("author", "slug")
    organization_by_id = _row_loader("organization", "id")
    organization_by_slug = _row_loader("organization", "slug")
    category_by_id = _row_loader("category", "id")
    category_by_slug = _row_loader("category", "slug")

    @cached_property
    def post_by_id(self) -> DataLoader[int, sql.Row | None]:
        return _one_each(self._posts_by_ids, "id")

    @cached_property
    def post_by_slug(self) -> DataLoader[str, sql.Row | None]:
        return _one_each(self._posts_by_slugs, "asked_slug")

    def previous_slugs(self, kind: str) -> DataLoader[int, list[sql.Row]]:
        """The newest old slugs of objects of `kind` (a table name), by object id."""
        if kind not in self._previous_slugs:

            async def fetch(ids: Sequence[int]) -> list[sql.Row]:
                return await lookups.previous_slugs(kind, ids, MAX_PREVIOUS_SLUGS)

            self._previous_slugs[kind] = _many_each(fetch, "object_id")
        return self._previous_slugs[kind]

    @cached_property
    def neighbours_by_post(self) -> DataLoader[int, sql.Row | None]:
        return _one_each(self._neighbours, "id")

    @cached_property
    def bylines_by_post(self) -> DataLoader[int, list[sql.Row]]:
        return _many_each(lookups.bylines_for_posts, "post_id")

    @cached_property
    def revisions_by_post(self) -> DataLoader[int, list[sql.Row]]:
        newest = self.max_page_size  # `revisions(first:)` shows at most a page

        async def fetch(post_ids: Sequence[int]) -> list[sql.Row]:
            return await lookups.revisions_for_posts(post_ids, newest)

        return _many_each(fetch, "post_id")

    @cached_property
    def pending_by_post(self) -> DataLoader[int, sql.Row | None]:
        return _one_each(previews.pending_for_posts, "post_id")

    @cached_property
    def affiliations_by_author(self) -> DataLoader[int, list[sql.Row]]:
        return _many_each(lookups.affiliations_for_authors, "author_id")

    @cached_property
    def author_page(self) -> DataLoader[AuthorPageKey, list[sql.Row]]:
        return DataLoader(load_fn=self._author_pages)

    @cached_property
    def author_count(self) -> DataLoader[AuthorCountKey, int]:
        return DataLoader(load_fn=self._author_counts)

    @cached_property
    def baton_by_relay(self) -> DataLoader[int, sql.Row | None]:
        return _one_each(batons.current_batons_for_relays, "relay_id")

    @cached_property
    def baton_by_id(self) -> DataLoader[int, sql.Row | None]:
        return _one_each(batons.batons_by_ids, "id")

    @cached_property
    def post_page(self) -> DataLoader[PageKey, list[sql.Row]]:
        return DataLoader(load_fn=self._pages)

    @cached_property
    def post_count(self) -> DataLoader[CountKey, int]:
        return DataLoader(load_fn=self._counts)

    async def _posts_by_ids(self, ids: Sequence[int]) -> list[sql.Row]:
        return await posts.posts_by_ids(ids, self.access)

    async def _posts_by_slugs(self, slugs: Sequence[str]) -> list[sql.Row]:
        return await posts.posts_by_slugs(slugs, self.access)

    async def _neighbours(self, ids: Sequence[int]) -> list[sql.Row]:
        return await posts.neighbours(ids, self.access)

    async def _author_pages(self, keys: Sequence[AuthorPageKey]) -> list[list[sql.Row]]:
        # Parents asking for the same people and page share one statement.
        groups: dict[tuple[People, AuthorPage], list[int]] = defaultdict(list)
        for people, parent_id, page in keys:
            groups[(people, page)].append(parent_id)
        results: dict[AuthorPageKey, list[sql.Row]] = {}
        for (people, page), parent_ids in groups.items():
            pages = await lookups.author_pages(people, parent_ids, page, self.access)
            for parent_id in parent_ids:
                results[(people, parent_id, page)] = pages.get(parent_id, [])
        return [results[key] for key in keys]

    async def _author_counts(self, keys: Sequence[AuthorCountKey]) -> list[int]:
        groups: dict[People, list[int]] = defaultdict(list)
        for people, parent_id in keys:
            groups[people].append(parent_id)
        results: dict[AuthorCountKey, int] = {}
        for people, parent_ids in groups.items():
            counts = await lookups.author_counts(people, parent_ids, self.access)
            for parent_id in parent_ids:
                results[(people, parent_id)] = counts.get(parent_id, 0)
        return [results[key] for key in keys]

    async def _pages(self, keys: Sequence[PageKey]) -> list[list[sql.Row]]:
        # Parents asking for the same filter and page share one statement.
        groups: dict[tuple[Scope, PostFilter, PageRequest], list[int]] = defaultdict(list)
        for scope, parent_id, post_filter, page in keys:
            groups[(scope, post_filter, page)].append(parent_id)
        results: dict[PageKey, list[sql.Row]] = {}
        for (scope, post_filter, page), parent_ids in groups.items():
            pages = await posts.post_pages(scope, parent_ids, post_filter, page, self.access)
            for parent_id in parent_ids:
                results[(scope, parent_id, post_filter, page)] = pages.get(parent_id, [])
        return [results[key] for key in keys]

    async def _counts(self, keys: Sequence[CountKey]) -> list[int]:
        groups: dict[tuple[Scope, PostFilter], list[int]] = defaultdict(list)
        for scope, parent_id, post_filter in keys:
            groups[(scope, post_filter)].append(parent_id)
        results: dict[CountKey, int] = {}
        for (scope, post_filter), parent_ids in groups.items():
            counts = await posts.post_counts(scope, parent_ids, post_filter, self.access)
            for parent_id in parent_ids:
                results[(scope, parent_id, post_filter)] = counts.get(parent_id, 0)
        return [results[key] for key in keys]

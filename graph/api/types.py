"""GraphQL object types. Relations resolve through the request's loaders, never the ORM."""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.api.attached import current_baton, pending_version
from graph.api.connections import Connection, connection
from graph.api.fields import (
    FromRow,
    ceil_divided,
    column,
    day,
    enum_name,
    flag,
    global_id,
    loaded,
    moment,
    planned,
)
from graph.api.revisions import PostRevision
from graph.api.slugs import previous_slugs_field
from graph.cache import tags
from graph.enums import OrganizationKind, PostStatus, RelayStatus
from graph.paging.cursors import author_cursor, author_key, post_cursor
from graph.paging.filters import PostFilterInput, filter_tags, to_filter
from graph.paging.pagination import check_first, decode_keyed_cursor, parse_timestamp
from graph.read import sql
from graph.read.lookups import AuthorPage, People
from graph.read.posts import NO_FILTER, PageRequest, PostFilter, Scope
from graph.request.context import Info

if TYPE_CHECKING:
    from graph.api.baton import Baton
    from graph.api.previews import PendingVersion

FIRST = strawberry.argument(description="Page size: 0 up to the server's limit (100 by default).")
AFTER = strawberry.argument(description="Return items after this cursor (an `endCursor`).")
FILTER = strawberry.argument(description="Only posts matching every given field.")
VERSION = "Bumped by every write; pass it as `expectedVersion` to update this object."
# Adult silent reading of non-fiction, in words per minute. No published rate for Danish
# readers was found. Brysbaert (2019), "How many words do we read per minute? A review and
# meta-analysis of reading rate", J. Mem. Lang. 109:104047 (190 studies, 18,573 readers):
# 238 wpm for English non-fiction (most adults 175-300). Brysbaert, Dirix, Duyck & Sui
# (2021), QJEP, doi:10.1177/17470218211017100: Dutch non-fiction, whose words are half a
# letter longer than English ones (5.1 letters), is predicted at 238 wpm too. We take 238
# for Danish, a Germanic language with compounds written as one word like Dutch.
READING_WORDS_PER_MINUTE = 238


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = planned(global_id, "Opaque global id, stable for the object.")


async def post_connection(
    info: Info,
    scope: Scope,
    parent_id: int,
    first: int,
    after: str | None,
    post_filter: PostFilter = NO_FILTER,
) -> Connection[Post]:
    """A page of posts under one parent, newest first, through the batched page loader."""
    tags.add(tags.relay_posts(parent_id) if scope is Scope.RELAY else tags.POSTS)
    tags.add(*filter_tags(post_filter))
    page = PageRequest(
        check_first(first, info.context.settings.max_page_size),
        decode_keyed_cursor(after, parse_timestamp),
    )
    loaders = info.context.loaders
    rows = await loaders.post_page.load((scope, parent_id, post_filter, page))

    async def count() -> int:
        return await loaders.post_count.load((scope, parent_id, post_filter))

    return connection(rows, post_edge, first, after, count)


def post_edge(index: int, row: sql.Row) -> tuple[str, Post]:
    """The cursor and node of one post in a newest-first page."""
    return post_cursor(row), Post.from_row(row)


async def author_connection(
    info: Info, people: People, parent_id: int, first: int, after: str | None
) -> Connection[Author]:
    """A page of a relay's contributors or an organisation's authors, through the loader."""
    if people is People.CONTRIBUTORS:
        # Who contributes, and their first legs, change with the relay's published posts.
        tags.add(tags.relay_posts(parent_id))
    page = AuthorPage(
        check_first(first, info.context.settings.max_page_size), author_key(people, after)
    )
    loaders = info.context.loaders
    rows = await loaders.author_page.load((people, parent_id, page))

    async def count() -> int:
        return await loaders.author_count.load((people, parent_id))

    return connection(rows, author_edge, first, after, count)


def author_edge(index: int, row: sql.Row) -> tuple[str, Author]:
    """The cursor and node of one author in a relay's or organisation's page."""
    return author_cursor(row), Author.from_row(row)


@strawberry.type(description="A themed series of posts; each writer hands the baton to the next.")
class Relay(Node, FromRow):
    pk: strawberry.Private[int] = loaded(itemgetter("id"))
    slug: str = planned(column("slug"), "URL name, unique among relays.")
    previous_slugs: list[str] = previous_slugs_field("relay")
    title: str = planned(column("title"), "The relay's name.")
    intro: str = planned(column("intro"), "Introductory text (plain text paragraphs).")
    status: RelayStatus = planned(enum_name(RelayStatus, "status"), "Active or ended.")
    started_on: dt.date | None = planned(day("started_on"), "Date of the first post.")
    ended_on: dt.date | None = planned(day("ended_on"), "Date the relay ended, if it has.")
    version: int = planned(column("version"), VERSION)

    @strawberry.field(description="The relay's posts, newest first.")
    async def posts(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
        filter: Annotated[PostFilterInput | None, FILTER] = None,
    ) -> Connection[Post]:
        return await post_connection(info, Scope.RELAY, self.pk, first, after, to_filter(filter))

    @strawberry.field(
        description="Everyone with a byline on a post of this relay, in the order they joined "
        "it: by the leg of their first post, ties by id. Editors also see the authors of "
        "unpublished posts; those with no published post come last. New contributors join "
        "at the end, so a cursor keeps its place."
    )
    async def contributors(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Author]:
        return await author_connection(info, People.CONTRIBUTORS, self.pk, first, after)

    @strawberry.field(
        description="Who writes next: the held baton, or if none is held the last one passed. "
        "Null without a token, and for a relay that never passed one."
    )
    async def baton(
        self, info: Info
    ) -> Annotated[Baton, strawberry.lazy("graph.api.baton")] | None:
        return await current_baton(info, self.pk)


@strawberry.type(description="A subject heading such as Ledelse or Politik.")
class Category(FromRow):
    pk: strawberry.Private[int] = loaded(itemgetter("id"))
    slug: str = planned(column("slug"), "URL name, unique among categories.")
    previous_slugs: list[str] = previous_slugs_field("category")
    name: str = planned(column("name"), "Display name.")

    @strawberry.field(description="Posts in this category, newest first.")
    async def posts(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Post]:
        return await post_connection(info, Scope.CATEGORY, self.pk, first, after)


@strawberry.type(description="A municipality, agency, association … that writers belong to.")
class Organization(Node, FromRow):
    pk: strawberry.Private[int] = loaded(itemgetter("id"))
    slug: str = planned(column("slug"), "URL name, unique among organisations.")
    previous_slugs: list[str] = previous_slugs_field("organization")
    name: str = planned(column("name"), "Full name.")
    short_name: str | None = planned(column("short_name"), "Abbreviation, e.g. KL or SFI.")
    kind: OrganizationKind = planned(
        enum_name(OrganizationKind, "kind"), "What sort of body it is."
    )
    version: int = planned(column("version"), VERSION)

    @strawberry.field(
        description="Authors affiliated with the organisation, by name in Danish alphabetical "
        "order (æ, ø, å last), like the root `authors` list; its cursors fit here too."
    )
    async def authors(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Author]:
        return await author_connection(info, People.MEMBERS, self.pk, first, after)

    @strawberry.field(description="Posts with a byline from this organisation, newest first.")
    async def posts(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Post]:
        return await post_connection(info, Scope.ORGANIZATION, self.pk, first, after)


@strawberry.type(description="A person who writes posts.")
class Author(Node, FromRow):
    pk: strawberry.Private[int] = loaded(itemgetter("id"))
    slug: str = planned(column("slug"), "URL name, unique among authors.")
    previous_slugs: list[str] = previous_slugs_field("author")
    name: str = planned(column("name"), "Full name.")
    email_address: strawberry.Private[str | None] = loaded(itemgetter("email"))
    bio: str = planned(column("bio"), "Short biography; may be empty.")
    version: int = planned(column("version"), VERSION)

    @strawberry.field(
        description="E-mail address for baton mails. Null without a token, or when none is set."
    )
    def email(self, info: Info) -> str | None:
        return None if info.context.viewer is None else self.email_address

    @strawberry.field(description="Where the author works, and as what.")
    async def affiliations(self, info: Info) -> list[Affiliation]:
        rows = await info.context.loaders.affiliations_by_author.load(self.pk)
        return [Affiliation.from_row(row) for row in rows]

    @strawberry.field(description="Posts the author has a byline on, newest first.")
    async def posts(
        self,
        info: Info,
        first: Annotated[int, FIRST] = 20,
        after: Annotated[str | None, AFTER] = None,
    ) -> Connection[Post]:
        return await post_connection(info, Scope.AUTHOR, self.pk, first, after)


@strawberry.type(description="An author's role at an organisation.")
class Affiliation(FromRow):
    organization_pk: strawberry.Private[int] = loaded(itemgetter("organization_id"))
    role: str | None = planned(column("role"), "Job title, as the author gives it.")

    @strawberry.field(description="The organisation.")
    async def organization(self, info: Info) -> Organization:
        row = await info.context.loaders.organization_by_id.load(self.organization_pk)
        assert row is not None  # a foreign key: the row exists
        return Organization.from_row(row)


@strawberry.type(description="Who wrote a post, as printed on that post.")
class Byline(FromRow):
    author_pk: strawberry.Private[int] = loaded(itemgetter("author_id"))
    organization_pk: strawberry.Private[int | None] = loaded(itemgetter("organization_id"))
    role: str | None = planned(column("role"), "Role as printed on the post, if any.")

    @strawberry.field(description="The writer.")
    async def author(self, info: Info) -> Author:
        row = await info.context.loaders.author_by_id.load(self.author_pk)
        assert row is not None  # a foreign key: the row exists
        return Author.from_row(row)

    @strawberry.field(description="The writer's organisation at the time of writing, if given.")
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_pk is None:
            return None
        row = await info.context.loaders.organization_by_id.load(self.organization_pk)
        return None if row is None else Organization.from_row(row)


def bylines_of(rows: list[sql.Row]) -> list[Byline]:
    """The bylines of byline rows (author, role and organisation ids)."""
    return [Byline.from_row(row) for row in rows]


@strawberry.type(description="One contribution to a relay.")
class Post(Node, FromRow):
    pk: strawberry.Private[int] = loaded(itemgetter("id"))
    relay_pk: strawberry.Private[int] = loaded(itemgetter("relay_id"))
    category_pk: strawberry.Private[int | None] = loaded(itemgetter("category_id"))
    slug: str = planned(column("slug"), "URL name, unique across the site.")
    previous_slugs: list[str] = previous_slugs_field("post")
    title: str = planned(column("title"), "Headline.")
    teaser: str = planned(column("teaser"), "Short summary in plain text.")
    teaser_derived: bool = planned(
        flag("teaser_derived"), "True when the teaser was cut from the body and follows its edits."
    )
    body: str = planned(column("body"), "Markdown source of the post.")
    html: str = planned(column("html"), "The body rendered to sanitised HTML.")
    word_count: int = planned(
        column("word_count"),
        "Words in the post as a reader sees it: the HTML's text without markup, counting "
        "each run between spaces that holds a letter or digit.",
    )
    reading_time: int = planned(
        ceil_divided("word_count", READING_WORDS_PER_MINUTE),
        f"Minutes to read the post silently: `wordCount` / {READING_WORDS_PER_MINUTE} (an "
        "adult's non-fiction reading speed, Brysbaert 2019) rounded up; 0 for an empty "
        "post, at least 1 otherwise.",
    )
    published_at: dt.datetime | None = planned(
        moment("published_at"), "When it was published, in Copenhagen time."
    )
    leg: int | None = planned(
        column("leg"),
        "Position among the relay's published posts, 1 the first; null until published.",
    )
    status: PostStatus = planned(
        enum_name(PostStatus, "status"), "Draft, scheduled, published or archived."
    )
    publish_at: dt.datetime | None = planned(
        moment("publish_at"),
        "When a scheduled post goes live, in Copenhagen time; null otherwise.",
    )
    version: int = planned(column("version"), VERSION)
    # A preview's staged bylines; None: the post's own.
    staged_bylines: strawberry.Private[list[sql.Row] | None] = None

    @strawberry.field(description="The post's category, if it has one.")
    async def category(self, info: Info) -> Category | None:
        if self.category_pk is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.category_pk)
        return None if row is None else Category.from_row(row)

    @strawberry.field(description="The relay the post belongs to.")
    async def relay(self, info: Info) -> Relay:
        row = await info.context.loaders.relay_by_id.load(self.relay_pk)
        assert row is not None  # a foreign key: the row exists
        return Relay.from_row(row)

    @strawberry.field(description="Who wrote it, in printed order; empty when nobody is named.")
    async def bylines(self, info: Info) -> list[Byline]:
        rows = self.staged_bylines
        if rows is None:
            rows = await info.context.loaders.bylines_by_post.load(self.pk)
        return bylines_of(rows)

    @strawberry.field(
        description="The staged edit of this published post (`updatePost` with `stage: "
        "true`): its content as `publishPost` will make it live. Null without a token, and "
        "when nothing is staged."
    )
    async def pending(
        self, info: Info
    ) -> Annotated[PendingVersion, strawberry.lazy("graph.api.previews")] | None:
        return await pending_version(info, self.pk)

    @strawberry.field(
        description="The newest writes to the post, newest first (`first` of them). Null "
        "without a token."
    )
    async def revisions(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="How many: 0 up to the server's page limit.")
        ] = 20,
    ) -> list[PostRevision] | None:
        if info.context.viewer is None:
            return None
        rows = await info.context.loaders.revisions_by_post.load(self.pk)
        return [
            PostRevision.from_row(row)
            for row in rows[: check_first(first, info.context.settings.max_page_size)]
        ]

    @strawberry.field(description="The post before this one in the relay (lower leg).")
    async def previous(self, info: Info) -> Post | None:
        return await self._neighbour(info, "prev_id")

    @strawberry.field(description="The post after this one in the relay (higher leg).")
    async def next(self, info: Info) -> Post | None:
        return await self._neighbour(info, "next_id")

    async def _neighbour(self, info: Info, column: str) -> Post | None:
        loaders = info.context.loaders
        row = await loaders.neighbours_by_post.load(self.pk)
        if row is None or row[column] is None:
            return None
        neighbour = await loaders.post_by_id.load(row[column])
        return None if neighbour is None else Post.from_row(neighbour)

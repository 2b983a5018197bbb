"""The content graph's object-valued fields, each declared once by kind.

A kind says where a field's objects come from in terms both executors share: a to-one row by
a foreign key, a bounded list by a parent key in an order, a connection over a scope or a
list, a lookup by slug, a neighbour in the relay. The interpreter's sources
(`graph.planning.catalog`) and the SQL compiler's subqueries (`graph.planning.compile
.relations`) are both derived from this table, so a relation is written here and nowhere
else. Fields only one executor plans (search, `node`, editors' revisions) stay with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from graph.read import lists, lookups
from graph.read.lookups import People
from graph.read.posts import Scope
from graph.read.sql import Row


@dataclass(frozen=True)
class ToOne:
    """The `table` row whose id is the parent's `column`; `required` when the key is NOT NULL."""

    table: str
    column: str
    required: bool = False


@dataclass(frozen=True)
class Listed:
    """The rows of `table` whose `column` is the parent's id, in `order` (a short list).

    `gather` is the read layer's batch for many parents at once (with the rows its items
    refer to joined in), in that same order."""

    table: str
    column: str
    order: str
    gather: Callable[[Sequence[int]], Awaitable[list[Row]]]


@dataclass(frozen=True)
class PostPage:
    """A connection of posts under a parent (or the site's), newest first."""

    scope: Scope


@dataclass(frozen=True)
class AuthorPage:
    """A connection of a relay's contributors or an organisation's authors."""

    people: People


@dataclass(frozen=True)
class ListPage:
    """A root connection over one table in its list order."""

    spec: lists.ListSpec


@dataclass(frozen=True)
class BySlug:
    """The object the `slug` argument names, live or old."""

    type_name: str


@dataclass(frozen=True)
class Neighbour:
    """The visible post before (`prev_id`) or after (`next_id`) the parent in its relay."""

    column: str


@dataclass(frozen=True)
class Categories:
    """Every category, in Danish alphabetical order."""


Kind = ToOne | Listed | PostPage | AuthorPage | ListPage | BySlug | Neighbour | Categories
CONNECTION_KINDS = (PostPage, AuthorPage, ListPage)


async def _bylines(post_ids: Sequence[int]) -> list[Row]:
    return await lookups.bylines_for_posts(post_ids, people=True)


async def _affiliations(author_ids: Sequence[int]) -> list[Row]:
    return await lookups.affiliations_for_authors(author_ids, organizations=True)


RELATIONS: dict[tuple[str, str], Kind] = {
    ("Query", "relay"): BySlug("Relay"),
    ("Query", "post"): BySlug("Post"),
    ("Query", "author"): BySlug("Author"),
    ("Query", "organization"): BySlug("Organization"),
    ("Query", "category"): BySlug("Category"),
    ("Query", "relays"): ListPage(lists.RELAYS),
    ("Query", "authors"): ListPage(lists.AUTHORS),
    ("Query", "organizations"): ListPage(lists.ORGANIZATIONS),
    ("Query", "posts"): PostPage(Scope.ALL),
    ("Query", "categories"): Categories(),
    ("Relay", "posts"): PostPage(Scope.RELAY),
    ("Relay", "contributors"): AuthorPage(People.CONTRIBUTORS),
    ("Category", "posts"): PostPage(Scope.CATEGORY),
    ("Organization", "posts"): PostPage(Scope.ORGANIZATION),
    ("Organization", "authors"): AuthorPage(People.MEMBERS),
    ("Author", "posts"): PostPage(Scope.AUTHOR),
    ("Author", "affiliations"): Listed("affiliation", "author_id", "position, id", _affiliations),
    ("Affiliation", "organization"): ToOne("organization", "organization_id", required=True),
    ("Byline", "author"): ToOne("author", "author_id", required=True),
    ("Byline", "organization"): ToOne("organization", "organization_id"),
    ("Post", "relay"): ToOne("relay", "relay_id", required=True),
    ("Post", "category"): ToOne("category", "category_id"),
    ("Post", "bylines"): Listed("byline", "post_id", "position", _bylines),
    ("Post", "previous"): Neighbour("prev_id"),
    ("Post", "next"): Neighbour("next_id"),
    ("PendingVersion", "category"): ToOne("category", "category_id"),
    ("CategoryFacet", "category"): ToOne("category", "category_id", required=True),
    ("RelayFacet", "relay"): ToOne("relay", "relay_id", required=True),
}
# The connections among them: fields whose value is a page (edges, page info, total).
CONNECTIONS = frozenset(
    field for field, kind in RELATIONS.items() if isinstance(kind, CONNECTION_KINDS)
)

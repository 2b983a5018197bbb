"""What each field of the content types is in plan terms: a Leaf's reader or a Join's source.

The standard path's types (`graph.api.types`) build an object per row and let graphql-core
serialize it; these readers write the same JSON values straight from the row. A field missing
here has no plan, and an operation that selects it runs the standard way.

Left to the standard path on purpose (each counted as `standard` on /metrics):
- `Query.preview`: a preview answers one post to whoever holds its link, never from or into
  the response cache; its resolver marks the answer private and sets its `Cache-Control`,
  which a plan would skip. Frontends ask it once per preview page view, not in bulk.
- Editors-only fields read as a null Leaf without a token (EDITORS_ONLY) and as Joins with
  one: `Post.revisions` and `Post.pending` are planned for both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter
from typing import Any

from graph.cache import tags
from graph.editing.revisions import changes_in_order
from graph.enums import OrganizationKind, PostStatus, RelayStatus
from graph.paging.ids import to_global_id
from graph.planning import sources
from graph.planning.compile import values
from graph.planning.nodes import NotPlannable, Row, Source
from graph.read import lists, sql
from graph.read.lookups import People
from graph.read.posts import Scope

Reader = Callable[[Row], Any]
# The SQL expression of the same value, given the alias of the row it reads from; None for
# values the SQL compiler makes itself (a page's counts and cursors) or cannot make.
Written = Callable[[str], str] | None


@dataclass(frozen=True, slots=True)
class Value:
    """One scalar field, defined once for both ways a plan runs: `read` is the interpreter's
    (from a fetched row), `sql` the compiler's (inside PostgreSQL's JSON)."""

    read: Reader
    sql: Written = None


def column(name: str) -> Value:
    """The column as it is (text, numbers, null)."""
    return Value(itemgetter(name), lambda alias: values.column(alias, name))


def global_id(type_name: str) -> Value:
    """The object's global id."""
    return Value(
        lambda row: to_global_id(type_name, row["id"]),
        lambda alias: values.global_id(type_name, alias),
    )


def moment(name: str) -> Value:
    """A timestamp column in Copenhagen time, ISO 8601 (as Strawberry's DateTime writes it)."""

    def read(row: Row) -> str | None:
        value = sql.in_copenhagen(row[name])
        return None if value is None else value.isoformat()

    return Value(read, lambda alias: values.moment(f"{alias}.{name}"))


def day(name: str) -> Value:
    """A date column, ISO 8601."""

    def read(row: Row) -> str | None:
        value = sql.to_date(row[name])
        return None if value is None else value.isoformat()

    return Value(read, lambda alias: values.day(f"{alias}.{name}"))


def enum_name(enum: type[Enum], name: str) -> Value:
    """A stored enum value as the schema names it (`published` → `PUBLISHED`)."""
    names = {member.value: member.name for member in enum}
    return Value(
        lambda row: names[row[name]], lambda alias: values.enum_name(f"{alias}.{name}", names)
    )


def flag(name: str) -> Value:
    """A boolean column (SQLite stores 0 and 1)."""
    return Value(lambda row: bool(row[name]), lambda alias: values.column(alias, name))


def constant(value: Any) -> Value:
    """The same value for every row (`__typename`, a field hidden from this caller)."""
    return Value(lambda row: value, lambda alias: values.literal(value))


def derived(read: Reader) -> Value:
    """A value the interpreter reads from a row it derives (a page's, a search hit's)."""
    return Value(read)


LEAVES: dict[str, dict[str, Value]] = {
    "Relay": {
        "id": global_id("Relay"),
        "slug": column("slug"),
        "title": column("title"),
        "intro": column("intro"),
        "status": enum_name(RelayStatus, "status"),
        "startedOn": day("started_on"),
        "endedOn": day("ended_on"),
        "version": column("version"),
    },
    "Post": {
        "id": global_id("Post"),
        "slug": column("slug"),
        "title": column("title"),
        "teaser": column("teaser"),
        "teaserDerived": flag("teaser_derived"),
        "body": column("body"),
        "html": column("html"),
        "publishedAt": moment("published_at"),
        "leg": column("leg"),
        "status": enum_name(PostStatus, "status"),
        "publishAt": moment("publish_at"),
        "version": column("version"),
    },
    "Author": {
        "id": global_id("Author"),
        "slug": column("slug"),
        "name": column("name"),
        "bio": column("bio"),
        "version": column("version"),
    },
    "Organization": {
        "id": global_id("Organization"),
        "slug": column("slug"),
        "name": column("name"),
        "shortName": column("short_name"),
        "kind": enum_name(OrganizationKind, "kind"),
        "version": column("version"),
    },
    "Category": {"slug": column("slug"), "name": column("name")},
    "PostRevision": {
        "id": global_id("PostRevision"),
        "version": column("version"),
        "actor": column("actor"),
        "createdAt": moment("created_at"),
    },
    "FieldChange": {"field": column("field"), "old": column("old"), "new": column("new")},
    "PendingVersion": {
        "title": column("title"),
        "slug": column("slug"),
        "teaser": column("teaser"),
        "teaserDerived": flag("teaser_derived"),
        "body": column("body"),
        "html": column("html"),
        "changedFields": column("changed"),
        "stagedBy": column("staged_by"),
        "stagedAt": moment("staged_at"),
    },
    "Byline": {"role": column("role")},
    "Affiliation": {"role": column("role")},
    "SearchConnection": {"totalCountIsExact": column("exact")},
    "SearchEdge": {"score": derived(lambda edge: edge["node"]["score"])},
    "SearchHighlights": {
        "title": column("title"),
        "teaser": column("teaser"),
        "body": column("body"),
    },
    "CategoryFacet": {"count": column("count")},
    "RelayFacet": {"count": column("count")},
    "YearFacet": {"year": column("year"), "count": column("count")},
    "PageInfo": {
        "hasNextPage": column("has_next"),
        "hasPreviousPage": column("has_previous"),
        "startCursor": column("start"),
        "endCursor": column("end"),
    },
}
CONNECTION_LEAVES = {"totalCount": column("count")}
EDGE_LEAVES = {"cursor": column("cursor")}
ENTITIES = ("Relay", "Post", "Author", "Organization", "Category")


def field_changes(row: Row) -> list[Row]:
    """A revision's changed fields, in the post's field order (as `PostRevision` lists them)."""
    return [
        {"field": name, "old": change["old"], "new": change["new"]}
        for name, change in changes_in_order(row["changes"])
    ]


# Object fields that are null without a token: a Leaf for anonymous callers.
EDITORS_ONLY = frozenset({("Post", "revisions"), ("Post", "pending")})

# The read fields left to the standard path on purpose, and why (tests/planning/test_catalog.py
# walks the schema from Query: every other field must have a plan).
STANDARD_ONLY = {
    ("Query", "preview"): "never cached; its resolver sets Cache-Control (see above)",
    ("Query", "jobs"): "an admin's view of the job queue, not content",
    ("Query", "webhooks"): "an admin's view of webhooks and their deliveries, not content",
    ("Query", "webhook"): "an admin's view of one webhook, not content",
    ("Relay", "baton"): "editors only, read from the baton tables once per relay page",
}


def leaf(type_name: str, field_name: str, anonymous: bool) -> Value:
    """The reader of one scalar or enum field."""
    if (type_name, field_name) == ("Author", "email"):
        # Addresses are for editors: without a token the field is null.
        return constant(None) if anonymous else column("email")
    if (type_name, field_name) in EDITORS_ONLY and anonymous:
        return constant(None)
    if type_name.endswith("Connection") and field_name in CONNECTION_LEAVES:
        return CONNECTION_LEAVES[field_name]
    if type_name.endswith("Edge") and field_name in EDGE_LEAVES:
        return EDGE_LEAVES[field_name]
    try:
        return LEAVES[type_name][field_name]
    except KeyError:
        raise NotPlannable(f"{type_name}.{field_name}") from None


def row_tags(type_name: str) -> Callable[[Row], tuple[str, ...]]:
    """The cache tags each object of this type adds."""
    if type_name in ENTITIES:
        return lambda row: tags.of_row(type_name, row)
    return lambda row: ()


@dataclass(frozen=True)
class Relation:
    """A field whose value is objects: where they come from, and how many per parent."""

    source: Callable[[bool], Source]  # given whether the connection's totalCount is asked
    many: bool = False
    required: bool = False


def _fixed(source: Source) -> Callable[[bool], Source]:
    return lambda counted: source


def _to_one(table: str, column: str) -> Source:
    # Joined in by the parent's fetch where it can (bylines, post fetches), else by id.
    return sources.joined(table, sources.by_id(table, column))


def _posts(scope: Scope) -> Relation:
    return Relation(lambda counted: sources.post_pages(scope, counted), required=True)


def _authors(people: People) -> Relation:
    return Relation(lambda counted: sources.author_pages(people, counted), required=True)


RELATIONS: dict[tuple[str, str], Relation] = {
    ("Query", "relay"): Relation(_fixed(sources.by_slug("Relay"))),
    ("Query", "post"): Relation(_fixed(sources.by_slug("Post"))),
    ("Query", "author"): Relation(_fixed(sources.by_slug("Author"))),
    ("Query", "organization"): Relation(_fixed(sources.by_slug("Organization"))),
    ("Query", "category"): Relation(_fixed(sources.by_slug("Category"))),
    ("Query", "node"): Relation(_fixed(sources.node)),
    ("Query", "relays"): Relation(lambda c: sources.list_page(lists.RELAYS, c), required=True),
    ("Query", "authors"): Relation(lambda c: sources.list_page(lists.AUTHORS, c), required=True),
    ("Query", "organizations"): Relation(
        lambda c: sources.list_page(lists.ORGANIZATIONS, c), required=True
    ),
    ("Query", "posts"): _posts(Scope.ALL),
    ("Query", "categories"): Relation(_fixed(sources.categories), many=True, required=True),
    ("Query", "search"): Relation(sources.search_page, required=True),
    ("SearchEdge", "highlights"): Relation(_fixed(sources.highlights), required=True),
    ("SearchConnection", "facets"): Relation(_fixed(sources.facets), required=True),
    ("SearchFacets", "categories"): Relation(
        _fixed(sources.facet_buckets("categories", "category_id", "Category")),
        many=True,
        required=True,
    ),
    ("SearchFacets", "relays"): Relation(
        _fixed(sources.facet_buckets("relays", "relay_id", "Relay")), many=True, required=True
    ),
    ("SearchFacets", "years"): Relation(
        _fixed(sources.facet_buckets("years", "year")), many=True, required=True
    ),
    ("CategoryFacet", "category"): Relation(
        _fixed(_to_one("category", "category_id")), required=True
    ),
    ("RelayFacet", "relay"): Relation(_fixed(_to_one("relay", "relay_id")), required=True),
    ("Relay", "posts"): _posts(Scope.RELAY),
    ("Relay", "contributors"): _authors(People.CONTRIBUTORS),
    ("Category", "posts"): _posts(Scope.CATEGORY),
    ("Organization", "posts"): _posts(Scope.ORGANIZATION),
    ("Organization", "authors"): _authors(People.MEMBERS),
    ("Author", "posts"): _posts(Scope.AUTHOR),
    ("Author", "affiliations"): Relation(
        _fixed(sources.grouped(sources.affiliations, "author_id")), many=True, required=True
    ),
    ("Affiliation", "organization"): Relation(
        _fixed(_to_one("organization", "organization_id")), required=True
    ),
    ("Byline", "author"): Relation(_fixed(_to_one("author", "author_id")), required=True),
    ("Byline", "organization"): Relation(_fixed(_to_one("organization", "organization_id"))),
    ("Post", "relay"): Relation(_fixed(_to_one("relay", "relay_id")), required=True),
    ("Post", "category"): Relation(_fixed(_to_one("category", "category_id"))),
    ("Post", "bylines"): Relation(
        _fixed(sources.grouped(sources.bylines, "post_id")), many=True, required=True
    ),
    # An editor's; without a token the field is a Leaf (null).
    ("Post", "revisions"): Relation(_fixed(sources.revisions), many=True),
    ("PostRevision", "changes"): Relation(
        _fixed(sources.derived(field_changes)), many=True, required=True
    ),
    # An editor's; without a token the field is a Leaf (null).
    ("Post", "pending"): Relation(_fixed(sources.pending)),
    ("PendingVersion", "category"): Relation(_fixed(_to_one("category", "category_id"))),
    ("PendingVersion", "bylines"): Relation(
        _fixed(sources.derived(itemgetter("bylines"))), many=True, required=True
    ),
    ("Post", "previous"): Relation(_fixed(sources.neighbour("prev_id"))),
    ("Post", "next"): Relation(_fixed(sources.neighbour("next_id"))),
}
# Fields whose value is a list of scalars fetched for all parents at once.
VALUE_LISTS: dict[tuple[str, str], Source] = {
    (type_name, "previousSlugs"): sources.previous_slugs(type_name.lower())
    for type_name in ENTITIES
}
CONNECTION_RELATIONS: Mapping[str, Relation] = {
    "edges": Relation(_fixed(sources.derived(itemgetter("edges"))), many=True, required=True),
    "pageInfo": Relation(_fixed(sources.derived(lambda row: row)), required=True),
}
EDGE_RELATIONS: Mapping[str, Relation] = {
    "node": Relation(_fixed(sources.derived(itemgetter("node"))), required=True),
}


def relation(type_name: str, field_name: str) -> Relation:
    """How one object-valued field is fetched."""
    if type_name.endswith("Connection") and field_name in CONNECTION_RELATIONS:
        return CONNECTION_RELATIONS[field_name]
    if type_name.endswith("Edge") and field_name in EDGE_RELATIONS:
        return EDGE_RELATIONS[field_name]
    try:
        return RELATIONS[(type_name, field_name)]
    except KeyError:
        raise NotPlannable(f"{type_name}.{field_name}") from None

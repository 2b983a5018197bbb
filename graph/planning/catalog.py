"""What each field of the content types is in plan terms: a Leaf's reader or a Join's source.

The standard path's types (`graph.api.types`) build an object per row and let graphql-core
serialize it; the planner writes the same JSON values straight from the row. A scalar field's
reader is declared once, on its Strawberry type (`graph.api.fields.planned`), and read here
off the schema the planner is given; the plain rows of pages and search results keep a small
table (LEAVES). A field without either has no plan, and an operation that selects it runs
the standard way.

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
from operator import itemgetter
from typing import assert_never

from graphql import GraphQLField, GraphQLObjectType

from graph.api.fields import ENTITIES, PLAN, PerType, Value, column, constant, derived, value_of
from graph.api.revisions import field_changes
from graph.cache import tags
from graph.planning import pages, sources
from graph.planning import relations as declared
from graph.planning.nodes import NotPlannable, Row, Source

# Where Strawberry keeps a GraphQL field's own definition (with its metadata).
DEFINITION = "strawberry-definition"

# The scalar fields of types made of plain rows, which declare none on their Strawberry type.
LEAVES: dict[str, dict[str, Value]] = {
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


def leaf(parent: GraphQLObjectType, field_name: str, anonymous: bool) -> Value:
    """The reader of one scalar or enum field: as its Strawberry type declares it (`planned`),
    or for the plain rows of pages and search results, as LEAVES has it."""
    type_name = parent.name
    if (type_name, field_name) == ("Author", "email"):
        # Addresses are for editors: without a token the field is null.
        return constant(None) if anonymous else column("email")
    if (type_name, field_name) in EDITORS_ONLY and anonymous:
        return constant(None)
    if type_name.endswith("Connection") and field_name in CONNECTION_LEAVES:
        return CONNECTION_LEAVES[field_name]
    if type_name.endswith("Edge") and field_name in EDGE_LEAVES:
        return EDGE_LEAVES[field_name]
    declared = _declared(parent.fields[field_name])
    if declared is not None:
        return value_of(declared, type_name)
    try:
        return LEAVES[type_name][field_name]
    except KeyError:
        raise NotPlannable(f"{type_name}.{field_name}") from None


def _declared(field: GraphQLField) -> Value | PerType | None:
    definition = field.extensions.get(DEFINITION)
    return None if definition is None else definition.metadata.get(PLAN)


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


def interpreted(kind: declared.Kind) -> Relation:
    """The interpreter's source for a declared relation."""
    match kind:
        case declared.ToOne(table, column, required):
            # Joined in by the parent's fetch where it can (bylines, post fetches), else by id.
            return Relation(
                _fixed(sources.joined(table, sources.by_id(table, column))), False, required
            )
        case declared.Listed(_, column, _, gather):
            return Relation(_fixed(sources.grouped(gather, column)), many=True, required=True)
        case declared.PostPage(scope):
            return Relation(lambda counted: pages.post_pages(scope, counted), required=True)
        case declared.AuthorPage(people):
            return Relation(lambda counted: pages.author_pages(people, counted), required=True)
        case declared.ListPage(spec):
            return Relation(lambda counted: pages.list_page(spec, counted), required=True)
        case declared.BySlug(type_name):
            return Relation(_fixed(sources.by_slug(type_name)))
        case declared.Neighbour(column):
            return Relation(_fixed(sources.neighbour(column)))
        case declared.Categories():
            return Relation(_fixed(sources.categories), many=True, required=True)
    assert_never(kind)


# What only the interpreter plans (the compiler leaves these to it: compile.relations.INTERPRETED).
INTERPRETED_ONLY: dict[tuple[str, str], Relation] = {
    ("Query", "node"): Relation(_fixed(sources.node)),
    ("Query", "search"): Relation(pages.search_page, required=True),
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
    # An editor's; without a token the field is a Leaf (null).
    ("Post", "revisions"): Relation(_fixed(sources.revisions), many=True),
    ("PostRevision", "changes"): Relation(
        _fixed(sources.derived(field_changes)), many=True, required=True
    ),
    # An editor's; without a token the field is a Leaf (null).
    ("Post", "pending"): Relation(_fixed(sources.pending)),
    ("PendingVersion", "bylines"): Relation(
        _fixed(sources.derived(itemgetter("bylines"))), many=True, required=True
    ),
}
RELATIONS: dict[tuple[str, str], Relation] = {
    **{field: interpreted(kind) for field, kind in declared.RELATIONS.items()},
    **INTERPRETED_ONLY,
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

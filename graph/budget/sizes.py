"""How large each list and leaf of an answer can be: what the cost model reads of a schema.

The declarations for this schema, each beside the rule that makes it true, are in
graph/api/bounds.py; the pricing is graph/budget/cost.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)

# What a JSON `null` takes: a nullable leaf or object takes at least this.
NULL_BYTES = 4

# Leaf sizes for the items of a list whose items differ (a revision's changed fields).
ItemSizes = Mapping[str, int]


class UnboundedList(Exception):
    """A list field with no bound: the cost model must know every list's size."""


class UnsizedLeaf(Exception):
    """A leaf field with no size: the cost model must know how large every value can be."""


@dataclass(frozen=True)
class ErrorBound:
    """The errors an answer may list: at most `most` (one more then says how many were
    left out), each at most `bytes` besides its path."""

    most: int
    bytes: int


@dataclass(frozen=True)
class Bounds:
    """How many items each list field can hold, and how many bytes each leaf can take.

    A list field with a `first` argument holds at most `first` (capped at `max_page`); a
    connection's `edges` at most its field's `first`; any other list needs an entry in
    `lists`, keyed by (type name, field name). A leaf takes what `leaves` says for its field
    (bytes as served, quotes included), else what `scalars` says for its type; an enum
    takes its longest value.
    """

    lists: Mapping[tuple[str, str], int]
    max_page: int
    leaves: Mapping[tuple[str, str], int] = field(default_factory=dict)
    scalars: Mapping[str, int] = field(default_factory=dict)
    errors: ErrorBound = ErrorBound(0, 0)
    # Fields that read many rows to answer few (search facets), priced as that many objects.
    scans: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # Lists whose items each have their own leaf sizes (one per tracked field of a revision).
    items: Mapping[tuple[str, str], Sequence[ItemSizes]] = field(default_factory=dict)

    def check(self, schema: GraphQLSchema) -> None:
        """Raise UnboundedList or UnsizedLeaf for a field these bounds do not size."""
        for type_name, graphql_type in schema.type_map.items():
            if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
                continue
            for name, definition in graphql_type.fields.items():
                self.size(graphql_type, name, definition, {}, 0)
                if is_leaf_type(get_named_type(definition.type)):
                    self.leaf(graphql_type, name, definition, None)

    def size(
        self,
        parent: GraphQLObjectType,
        name: str,
        definition: GraphQLField,
        arguments: Mapping[str, Any],
        page: int,
    ) -> int:
        """How many values the field holds at most: 1, `page` for a connection's edges, its
        `first`, or its bound; UnboundedList for a list none of these sizes."""
        if not is_list(definition.type):
            return 1
        if is_connection(parent) and name == "edges":
            return page
        if "first" in definition.args:
            return self.page(arguments)
        try:
            return self.lists[(parent.name, name)]
        except KeyError:
            raise UnboundedList(f"{parent.name}.{name}") from None

    def page(self, arguments: Mapping[str, Any]) -> int:
        """A page's size: `first`, or none outside 0..max_page (the field is then an error,
        which holds nothing and is priced with the other errors)."""
        first = arguments.get("first")
        return first if isinstance(first, int) and 0 <= first <= self.max_page else 0

    def leaf(
        self,
        parent: GraphQLObjectType,
        name: str,
        definition: GraphQLField,
        item: ItemSizes | None,
    ) -> int:
        """The most bytes one value of a leaf field takes as served (null included)."""
        named = get_named_type(definition.type)
        if item is not None and name in item:
            size = item[name]
        elif (parent.name, name) in self.leaves:
            size = self.leaves[(parent.name, name)]
        elif isinstance(named, GraphQLEnumType):
            size = max(len(orjson.dumps(value)) for value in named.values)
        elif named.name in self.scalars:
            size = self.scalars[named.name]
        else:
            raise UnsizedLeaf(f"{parent.name}.{name} ({named.name})")
        return max(size, NULL_BYTES) if _nullable_value(definition.type) else size


def is_list(graphql_type: GraphQLType) -> bool:
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return is_list_type(graphql_type)


def _nullable_value(graphql_type: GraphQLType) -> bool:
    """Whether one value (a list's item, for a list) may be null."""
    if isinstance(graphql_type, GraphQLNonNull):
        inner = graphql_type.of_type
        return is_list_type(inner) and not is_non_null_type(inner.of_type)
    return not is_list_type(graphql_type) or not is_non_null_type(graphql_type.of_type)


def is_connection(graphql_type: GraphQLObjectType) -> bool:
    return graphql_type.name.endswith("Connection")

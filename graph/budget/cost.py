"""What an operation can cost, worked out from the document before anything runs.

An answer is priced by what it can hold at most, whatever the data is:
- **objects**: every object value in `data` counts one (a connection, its `pageInfo`, each
  edge, each node …). A connection holds at most `first` edges, a bounded list at most its
  bound (`Post.bylines` ≤ 20 by a write rule), a to-one field one object;
- **bytes**: the most the answer can take as served (compact JSON, UTF-8): every key as
  written in the document, every leaf at the size its write rule allows (`Post.html` ≤
  twice MAX_BODY_CHARS bytes, a title ≤ 300 characters …), the envelope, and room for the
  errors an answer may list (at most `ErrorBound.most`, each with its path).
The cost is objects + ⌈bytes / 1 KiB⌉, so an answer never takes more than cost times 1 KiB.

Fields are collected as graphql-core collects them (fragments, aliases, merged keys,
`@skip`/`@include` with their variables), and each (type, selection) is priced once, so even a
document whose fragments nest many times over costs time in proportion to its length.
Introspection is priced against the real schema: `__schema { types { fields { … } } }` costs
what this schema's answer holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import get_argument_values
from graphql.language import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)

from graph.budget.sizes import NULL_BYTES, Bounds, ItemSizes, is_connection, is_list

# Each mutation field costs this much besides the objects its answer holds: a write is worth
# more than the objects it returns.
MUTATION_COST = 10
# An answer of at most this many bytes costs one unit (besides its objects).
BYTES_PER_UNIT = 1024
# `{"data":…,"extensions":{"cost":{"requested":…,"limit":…}}}` around the data, and the
# `errors` key: more than the most that ever surrounds it.
ENVELOPE_BYTES = 128

Details = list[FieldDetails]


def _json(value: Any) -> bytes:
    return orjson.dumps(value)


def _fragments(document: DocumentNode) -> dict[str, FragmentDetails]:
    return {
        definition.name.value: FragmentDetails(definition)
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


@dataclass(frozen=True)
class Size:
    """The most a selection (or one field of it) can put into an answer."""

    objects: int = 0  # object values
    values: int = 0  # values of any kind: each is a place an error can arise
    bytes: int = 0  # bytes as served
    path: int = 0  # bytes of the longest error path below: keys and list indices

    def __add__(self, other: Size) -> Size:
        return Size(
            self.objects + other.objects,
            self.values + other.values,
            self.bytes + other.bytes,
            max(self.path, other.path),
        )


@dataclass(frozen=True)
class Price:
    """What an operation's answer can hold: objects, and bytes as served."""

    objects: int
    bytes: int

    @property
    def cost(self) -> int:
        """Objects plus kibibytes: what the operation costs a client's budget."""
        return self.objects + -(-self.bytes // BYTES_PER_UNIT)


@dataclass
class Pricing:
    """Prices one operation for one set of variable values."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: Any  # graphql-core VariableValues
    bounds: Bounds
    memo: dict[tuple[Any, ...], Size] = field(default_factory=dict)

    @cached_property
    def fragments(self) -> dict[str, FragmentDetails]:
        return _fragments(self.document)

    @cached_property
    def info(self) -> Any:
        """What introspection's resolvers read of `info`: the schema."""
        return SimpleNamespace(schema=self.schema)

    def operation_price(self) -> Price:
        """The answer's objects (plus MUTATION_COST per mutation field) and bytes."""
        data, fields = self.data()
        objects = data.objects
        if self.operation.operation is OperationType.MUTATION:
            objects += MUTATION_COST * fields
        errors = self.bounds.errors
        listed = min(errors.most + 1, data.values)
        return Price(objects, ENVELOPE_BYTES + data.bytes + listed * (errors.bytes + data.path))

    def data(self) -> tuple[Size, int]:
        """The most the answer's `data` object can hold, and how many root fields it has."""
        root = self.schema.get_root_type(self.operation.operation)
        assert root is not None  # validation refuses operations the schema lacks
        grouped = collect_fields(
            self.schema, self.fragments, self.variables, root, self.operation
        ).grouped_field_set
        return self.fields(root, grouped, None), len(grouped)

    def selection(self, object_type: GraphQLObjectType, details: Details, value: Any) -> Size:
        """What one object of `object_type` whose selection is `details` can hold."""
        key = (object_type.name, tuple(id(each.node) for each in details), _key(value))
        if key not in self.memo:
            grouped = collect_subfields(
                self.schema, self.fragments, self.variables, self.operation, object_type, details
            ).grouped_field_set
            self.memo[key] = self.fields(object_type, grouped, value)
        return self.memo[key]

    def fields(
        self, object_type: GraphQLObjectType, grouped: Mapping[str, Details], value: Any
    ) -> Size:
        """An object's fields, braces and commas included."""
        total = Size(bytes=1 + len(grouped))  # `{`, a comma or `}` after each field
        for response_key, details in grouped.items():
            total += self.field(object_type, response_key, details, value)
        return total

    def field(
        self, parent: GraphQLObjectType, response_key: str, details: Details, value: Any
    ) -> Size:
        key = len(_json(response_key)) + 1  # `"key":`
        name = details[0].node.name.value
        if name == "__typename":
            return Size(0, 1, key + len(_json(parent.name)), key)
        if name in ("__schema", "__type") or parent.name.startswith("__"):
            return self.introspected(parent, key, details, value)
        definition = parent.fields[name]
        arguments = get_argument_values(definition, details[0].node, self.variables)
        count = self.bounds.size(parent, name, definition, arguments, value or 0)
        listed = is_list(definition.type)
        nullable = not is_non_null_type(definition.type)
        target = get_named_type(definition.type)
        if is_leaf_type(target):
            item = value if isinstance(value, Mapping) else None
            one = Size(0, 1, self.bounds.leaf(parent, name, definition, item))
            return _holding(key, one, count, listed, nullable)
        items = self.bounds.items.get((parent.name, name))
        if items is not None:
            return self.items_of(key, target, details, items)
        possible = self.schema.get_possible_types(target) if is_abstract_type(target) else [target]
        child_page = self.bounds.page(arguments) if is_connection(target) else None
        worst = _worst(self.selection(each, details, child_page) for each in possible)
        one = Size(1 + worst.objects, worst.values, worst.bytes, worst.path)
        held = _holding(key, one, count, listed, nullable)
        scan = self.bounds.scans.get((parent.name, name), 0)
        return held + Size(objects=scan)

    def items_of(self, key: int, target: Any, details: Details, items: Sequence[ItemSizes]) -> Size:
        """A list whose items have leaf sizes of their own (each at most once)."""
        return _each_of(key, [self.selection(target, details, sizes) for sizes in items])

    def introspected(
        self, parent: GraphQLObjectType, key: int, details: Details, value: Any
    ) -> Size:
        """An introspection field, sized on this schema's real types by its own resolver."""
        name = details[0].node.name.value
        meta = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}
        definition = meta[name] if name in meta else parent.fields[name]
        arguments = get_argument_values(definition, details[0].node, self.variables)
        if name == "__schema":
            resolved: Any = self.schema
        elif name == "__type":
            resolved = self.schema.get_type(arguments["name"])
        else:
            resolve = definition.resolve
            assert resolve is not None  # every introspection field has its resolver
            resolved = resolve(value, self.info, **arguments)
        target = get_named_type(definition.type)
        if is_leaf_type(target):
            assert isinstance(target, GraphQLLeafType)
            served = _served(target, resolved)
            return Size(0, 1, key + len(_json(served)), key)
        assert isinstance(target, GraphQLObjectType)
        if resolved is None:
            return Size(0, 1, key + NULL_BYTES, key)
        if not is_list(definition.type):
            one = self.selection(target, details, resolved)
            return Size(1 + one.objects, 1 + one.values, key + one.bytes, key + one.path)
        return _each_of(key, [self.selection(target, details, child) for child in resolved])


def _each_of(key: int, items: Sequence[Size]) -> Size:
    """A list of these objects, each sized on its own, behind its key."""
    total = Size(0, 1, key + 1 + (not items), key)  # `"key":[`, or `"key":[]`
    for index, one in enumerate(items):
        path = key + 1 + _digits(index) + one.path
        total += Size(1 + one.objects, one.values, one.bytes + 1, path)
    return total


def _holding(key: int, one: Size, count: int, listed: bool, nullable: bool) -> Size:
    """A field holding `one` value, or a list of `count` of them, behind its key; a
    nullable one may hold `null` instead."""
    if not listed:
        served = max(one.bytes, NULL_BYTES) if nullable else one.bytes
        return Size(one.objects, 1 + one.values, key + served, key + one.path)
    served = 1 + count * (one.bytes + 1) if count else 2  # `[`, each item and `,` or `]`
    return Size(
        count * one.objects,
        1 + count * one.values,
        key + (max(served, NULL_BYTES) if nullable else served),
        key + 1 + _digits(count - 1) + one.path,
    )


def _worst(sizes: Iterable[Size]) -> Size:
    """Field by field the largest of several possible types' sizes."""
    found = list(sizes)
    if not found:
        return Size()
    return Size(
        max(each.objects for each in found),
        max(each.values for each in found),
        max(each.bytes for each in found),
        max(each.path for each in found),
    )


def _digits(index: int) -> int:
    """The bytes of a list index in an error path, and its comma."""
    return len(str(max(0, index))) + 1


def _served(leaf: GraphQLLeafType, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [_served(leaf, each) for each in value]
    return leaf.serialize(value)


def _key(value: Any) -> Any:
    """A memo key for what a selection is priced under: page sizes and strings as they are,
    introspection's (name, definition) pairs by name and identity, schema objects by
    identity, an item's leaf sizes by their items."""
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, tuple):
        return tuple(_key(each) for each in value)
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return id(value)


def priced_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables a cost depends on: `first` arguments, `@skip`/`@include` conditions,
    introspection's `__type(name:)` and `includeDeprecated`. Others (cursors, slugs,
    filters) never change what an answer can hold."""
    names: dict[str, None] = {}

    def collect(value: Any) -> None:
        if isinstance(value, VariableNode):
            names[value.name.value] = None

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for argument in node.arguments or ():
                if argument.name.value in ("first", "includeDeprecated") or (
                    node.name.value == "__type" and argument.name.value == "name"
                ):
                    collect(argument.value)

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value in ("skip", "include"):
                for argument in node.arguments or ():
                    collect(argument.value)

    visit(document, Collect())
    return tuple(names)


def operation_price(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Any,
    bounds: Bounds,
) -> Price:
    """The most objects and bytes the operation's answer can hold (plus its writes' price)."""
    return Pricing(schema, document, operation, variables, bounds).operation_price()

"""What an operation can cost, worked out from the document before anything runs.

The cost is the number of objects the answer can hold at most: every object value in `data`
counts one (a connection, its `pageInfo`, each edge, each node …); scalars count nothing. A
connection holds at most `first` edges, a bounded list at most its bound (`Post.bylines` ≤ 20
by a write rule), a to-one field one object. So the number is exact for the worst case: the
largest answer the data could give, whatever the data is.

Fields are collected as graphql-core collects them (fragments, aliases, merged keys,
`@skip`/`@include` with their variables), and each (type, selection) is priced once, so even a
document whose fragments nest many times over costs time in proportion to its length.
Introspection is priced against the real schema: `__schema { types { fields { … } } }` costs
what this schema's answer holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    OperationDefinitionNode,
    OperationType,
    TypeMetaFieldDef,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
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

# Each mutation field costs this much besides the objects its answer holds: a write is worth
# more than the objects it returns.
MUTATION_COST = 10

Details = list[FieldDetails]


class UnboundedList(Exception):
    """A list field with no bound: the cost model must know every list's size."""


@dataclass(frozen=True)
class Bounds:
    """How many items each list field can hold.

    A list field with a `first` argument holds at most `first` (capped at `max_page`); a
    connection's `edges` at most its field's `first`; any other list needs an entry in
    `lists`, keyed by (type name, field name).
    """

    lists: Mapping[tuple[str, str], int]
    max_page: int
    # Fields that read many rows to answer few (search facets), priced as that many objects.
    scans: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def check(self, schema: GraphQLSchema) -> None:
        """Raise UnboundedList for a content list field these bounds do not size."""
        for type_name, graphql_type in schema.type_map.items():
            if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
                continue
            for name, definition in graphql_type.fields.items():
                if not is_leaf_type(get_named_type(definition.type)):
                    self.size(graphql_type, name, definition, {}, 0)

    def size(
        self,
        parent: GraphQLObjectType,
        name: str,
        definition: GraphQLField,
        arguments: Mapping[str, Any],
        page: int,
    ) -> int:
        """How many objects the field holds at most: 1, `page` for a connection's edges, its
        `first`, or its bound; UnboundedList for a list none of these sizes."""
        if not _is_list(definition.type):
            return 1
        if _is_connection(parent) and name == "edges":
            return page
        if "first" in definition.args:
            return self.page(arguments)
        try:
            return self.lists[(parent.name, name)]
        except KeyError:
            raise UnboundedList(f"{parent.name}.{name}") from None

    def page(self, arguments: Mapping[str, Any]) -> int:
        """A page's size: `first` within 0..max_page (outside it the field is an error)."""
        first = arguments.get("first")
        return max(0, min(first, self.max_page)) if isinstance(first, int) else 0


def _is_list(graphql_type: GraphQLType) -> bool:
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return is_list_type(graphql_type)


def _is_connection(graphql_type: GraphQLObjectType) -> bool:
    return graphql_type.name.endswith("Connection")


def _fragments(document: DocumentNode) -> dict[str, FragmentDetails]:
    return {
        definition.name.value: FragmentDetails(definition)
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


@dataclass
class Pricing:
    """Prices one operation for one set of variable values."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: Any  # graphql-core VariableValues
    bounds: Bounds
    memo: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @cached_property
    def fragments(self) -> dict[str, FragmentDetails]:
        return _fragments(self.document)

    def operation_cost(self) -> int:
        """Objects the answer can hold, plus MUTATION_COST per mutation field."""
        root = self.schema.get_root_type(self.operation.operation)
        assert root is not None  # validation refuses operations the schema lacks
        grouped = collect_fields(
            self.schema, self.fragments, self.variables, root, self.operation
        ).grouped_field_set
        cost = self.fields(root, grouped, None)
        if self.operation.operation is OperationType.MUTATION:
            cost += MUTATION_COST * len(grouped)
        return cost

    def selection(self, object_type: GraphQLObjectType, details: Details, value: Any) -> int:
        """Objects under one object of `object_type` whose selection is `details`."""
        key = (object_type.name, tuple(id(each.node) for each in details), _key(value))
        if key not in self.memo:
            grouped = collect_subfields(
                self.schema, self.fragments, self.variables, self.operation, object_type, details
            ).grouped_field_set
            self.memo[key] = self.fields(object_type, grouped, value)
        return self.memo[key]

    def fields(
        self, object_type: GraphQLObjectType, grouped: Mapping[str, Details], value: Any
    ) -> int:
        return sum(self.field(object_type, details, value) for details in grouped.values())

    def field(self, parent: GraphQLObjectType, details: Details, value: Any) -> int:
        name = details[0].node.name.value
        if name == "__typename":
            return 0
        if name in ("__schema", "__type"):
            return self.introspected(parent, name, details, value)
        definition = parent.fields[name]
        target = get_named_type(definition.type)
        if is_leaf_type(target):
            return 0
        if parent.name.startswith("__"):
            return self.introspected(parent, name, details, value)
        arguments = get_argument_values(definition, details[0].node, self.variables)
        count = self.bounds.size(parent, name, definition, arguments, value or 0)
        if not count:
            return 0
        scan = self.bounds.scans.get((parent.name, name), 0)
        possible = self.schema.get_possible_types(target) if is_abstract_type(target) else [target]
        child_page = self.bounds.page(arguments) if _is_connection(target) else None
        worst = max(
            (self.selection(each, details, child_page) for each in possible),
            default=0,
        )
        return count * (1 + worst) + scan

    def introspected(
        self, parent: GraphQLObjectType, name: str, details: Details, value: Any
    ) -> int:
        """Objects an introspection field holds: counted on this schema's real types."""
        if name == "__schema":
            children: Iterable[Any] = [self.schema]
        elif name == "__type":
            arguments = get_argument_values(TypeMetaFieldDef, details[0].node, self.variables)
            found = self.schema.get_type(arguments["name"])
            children = [] if found is None else [found]
        else:
            children = INTROSPECTION[(parent.name, name)](self.schema, value)
        target = self._introspection_type(parent, name)
        return sum(1 + self.selection(target, details, child) for child in children)

    def _introspection_type(self, parent: GraphQLObjectType, name: str) -> GraphQLObjectType:
        type_name = {"__schema": "__Schema", "__type": "__Type"}.get(name) or get_named_type(
            parent.fields[name].type
        ).name
        found = self.schema.get_type(type_name)
        assert isinstance(found, GraphQLObjectType)
        return found


def _key(value: Any) -> Any:
    """A memo key for a priced value: page sizes as they are, schema objects by identity."""
    return value if value is None or isinstance(value, int) else id(value)


Children = Callable[[GraphQLSchema, Any], Iterable[Any]]


def _fields_of(graphql_type: Any) -> Iterable[Any]:
    if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
        fields: dict[str, GraphQLField] = graphql_type.fields
        return fields.values()
    return ()


def _wrapped(graphql_type: Any) -> Iterable[Any]:
    if isinstance(graphql_type, GraphQLList | GraphQLNonNull):
        return [graphql_type.of_type]
    return ()


def _roots(operation: OperationType) -> Children:
    def children(schema: GraphQLSchema, value: Any) -> Iterable[Any]:
        root = schema.get_root_type(operation)
        return [] if root is None else [root]

    return children


INTROSPECTION: dict[tuple[str, str], Children] = {
    ("__Schema", "types"): lambda schema, value: schema.type_map.values(),
    ("__Schema", "queryType"): _roots(OperationType.QUERY),
    ("__Schema", "mutationType"): _roots(OperationType.MUTATION),
    ("__Schema", "subscriptionType"): _roots(OperationType.SUBSCRIPTION),
    ("__Schema", "directives"): lambda schema, value: schema.directives,
    ("__Type", "fields"): lambda schema, value: _fields_of(value),
    ("__Type", "interfaces"): lambda schema, value: getattr(value, "interfaces", ()) or (),
    ("__Type", "possibleTypes"): lambda schema, value: (
        schema.get_possible_types(value) if is_abstract_type(value) else ()
    ),
    ("__Type", "enumValues"): lambda schema, value: (
        value.values.values() if isinstance(value, GraphQLEnumType) else ()
    ),
    ("__Type", "inputFields"): lambda schema, value: (
        value.fields.values() if isinstance(value, GraphQLInputObjectType) else ()
    ),
    ("__Type", "ofType"): lambda schema, value: _wrapped(value),
    ("__Field", "args"): lambda schema, value: value.args.values(),
    ("__Field", "type"): lambda schema, value: [value.type],
    ("__InputValue", "type"): lambda schema, value: [value.type],
    ("__Directive", "args"): lambda schema, value: value.args.values(),
}


def priced_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables a cost depends on: `first` arguments, `@skip`/`@include` conditions and
    `__type(name:)`. Others (cursors, slugs, filters) never change what an answer can hold."""
    names: dict[str, None] = {}

    def collect(value: Any) -> None:
        if isinstance(value, VariableNode):
            names[value.name.value] = None

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for argument in node.arguments or ():
                if argument.name.value == "first" or (
                    node.name.value == "__type" and argument.name.value == "name"
                ):
                    collect(argument.value)

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value in ("skip", "include"):
                for argument in node.arguments or ():
                    collect(argument.value)

    visit(document, Collect())
    return tuple(names)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Any,
    bounds: Bounds,
) -> int:
    """The most objects the operation's answer can hold (plus the price of its writes)."""
    return Pricing(schema, document, operation, variables, bounds).operation_cost()

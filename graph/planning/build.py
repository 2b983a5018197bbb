"""Turning a validated query operation into a Plan, once per document and caller kind.

Fields are collected the way graphql-core collects them (fragments, type conditions,
`@include`/`@skip`, one response key per alias), so the plan's keys are the standard path's,
in the same order. Directives may read variables: the plan is then built for their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import get_argument_values
from graphql.language import FragmentDefinitionNode, Visitor

from graph.api.fields import constant
from graph.planning import catalog
from graph.planning.compile import compilable
from graph.planning.nodes import Arguments, Join, Leaf, NotPlannable, Plan, Request, Shape
from graph.read.posts import LONG_COLUMNS, TO_ONE, PostSelect

# Field collection takes variable values; the plan keys on those it reads (see Builder).
SKIP_AND_INCLUDE = ("skip", "include")
COUNTS = ("totalCount", "totalCountIsExact")


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """Names of the variables `@skip`/`@include` read: the values a plan depends on."""
    names: dict[str, None] = {}

    class Collect(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            if node.name.value in SKIP_AND_INCLUDE:
                for argument in node.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names[argument.value.name.value] = None

    visit(document, Collect())
    return tuple(names)


@dataclass(frozen=True)
class Builder:
    """Builds the Shapes of one operation for one caller kind and set of directive values."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: Any  # graphql-core VariableValues
    anonymous: bool
    # Fields selected on posts anywhere in the operation: long texts and referred rows that
    # no Shape shows are left unread and unjoined.
    post_fields: set[str] = field(default_factory=set)

    @cached_property
    def fragments(self) -> dict[str, FragmentDetails]:
        return {
            definition.name.value: FragmentDetails(definition)
            for definition in self.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }

    def plan(self) -> Plan:
        root = self.schema.query_type
        assert root is not None  # a schema with queries
        grouped = collect_fields(
            self.schema, self.fragments, self.variables, root, self.operation
        ).grouped_field_set
        shape = self.shape(root, grouped)
        shown = frozenset(self.post_fields)
        select = PostSelect(shown & LONG_COLUMNS, shown & frozenset(TO_ONE))
        return Plan(shape, select, compiled=compilable(shape))

    def shape(
        self,
        object_type: GraphQLObjectType,
        grouped: Mapping[str, list[FieldDetails]],
        tagged: bool = True,
    ) -> Shape:
        fields: list[Leaf | Join] = []
        for key, details in grouped.items():
            name = details[0].node.name.value
            if object_type.name == "Post":
                self.post_fields.add(name)
            if name == "__typename":
                typename = constant(object_type.name)
                fields.append(Leaf(key, typename.read, name, typename.sql))
            elif name.startswith("__"):
                raise NotPlannable(name)  # introspection
            else:
                fields.append(self.member(object_type, key, object_type.fields[name], details))
        tags = catalog.row_tags(object_type.name) if tagged else None
        return Shape(object_type.name, tuple(fields), tags)

    def member(
        self,
        parent: GraphQLObjectType,
        key: str,
        definition: GraphQLField,
        details: list[FieldDetails],
    ) -> Leaf | Join:
        name = details[0].node.name.value
        target = get_named_type(definition.type)
        listed = catalog.VALUE_LISTS.get((parent.name, name))
        if listed is not None:
            return Join(
                key,
                listed,
                arguments(definition, details[0].node),
                True,
                True,
                {},
                True,
                (parent.name, name),
            )
        if is_leaf_type(target) or ((parent.name, name) in catalog.EDITORS_ONLY and self.anonymous):
            value = catalog.leaf(parent, name, self.anonymous)
            return Leaf(key, value.read, name, value.sql)
        possible = self.schema.get_possible_types(target) if is_abstract_type(target) else [target]
        groups = {
            object_type.name: collect_subfields(
                self.schema, self.fragments, self.variables, self.operation, object_type, details
            ).grouped_field_set
            for object_type in possible
            if isinstance(object_type, GraphQLObjectType)
        }
        # A page's source has tagged each of its objects already (shown or not).
        tagged = not (parent.name.endswith("Edge") and name == "node")
        shapes = {
            type_name: self.shape(self.schema.get_type(type_name), grouped, tagged)  # type: ignore[arg-type]
            for type_name, grouped in groups.items()
        }
        # A connection counts its whole list only when `totalCount` is asked for.
        counted = any(
            field_details[0].node.name.value in COUNTS
            for grouped in groups.values()
            for field_details in grouped.values()
        )
        relation = catalog.relation(parent.name, name)
        return Join(
            key,
            relation.source(counted),
            arguments(definition, details[0].node),
            relation.many,
            relation.required,
            shapes,
            field=(parent.name, name),
        )


def arguments(definition: GraphQLField, node: FieldNode) -> Arguments:
    """The field's coerced arguments: worked out once unless they name variables."""
    if not definition.args:
        return lambda request: {}
    uses_variables = any(_has_variable(argument.value) for argument in node.arguments or ())
    if not uses_variables:
        fixed = get_argument_values(definition, node)
        return lambda request: fixed
    return lambda request: get_argument_values(definition, node, request.variables)


def _has_variable(value: Any) -> bool:
    found = False

    class Find(Visitor):
        def enter_variable(self, *_: Any) -> None:
            nonlocal found
            found = True

    visit(value, Find())
    return found


def build(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Any,
    anonymous: bool,
) -> Plan:
    """The plan of one query operation; NotPlannable if any field has none."""
    return Builder(schema, document, operation, variables, anonymous).plan()


__all__ = ["Request", "build", "directive_variables"]

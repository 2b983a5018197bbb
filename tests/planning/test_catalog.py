"""No read field is half-planned: each has a plan and is compiled, or is listed as not.

A field added to a type without its plan would send every query that asks for it the
standard way, silently (each counted on /metrics, nothing failing); one planned but not
compiled would make PostgreSQL run its whole query level by level. Walking the schema from
`Query` through every planned field, each field must be in the catalogue (or in
`catalog.STANDARD_ONLY`, with its reason), and each planned one must be compiled (or under
something in `relations.INTERPRETED`, with its reason).
"""

from __future__ import annotations

from fixtures.schemas import schema
from graphql import GraphQLObjectType, get_named_type, is_abstract_type, is_leaf_type

from graph.planning import catalog
from graph.planning.compile import relations
from graph.planning.nodes import NotPlannable

Field = tuple[str, str]


def _planned(parent: GraphQLObjectType, field: Field, leaf: bool) -> bool:
    try:
        if field in catalog.VALUE_LISTS:
            return True
        if leaf:
            catalog.leaf(parent, field[1], anonymous=False)
        else:
            catalog.relation(*field)
    except NotPlannable:
        return False
    return True


def _compiled(parent: GraphQLObjectType, field: Field, leaf: bool) -> bool:
    type_name, name = field
    if field in catalog.VALUE_LISTS:
        return field in relations.RELATIONS
    if leaf:
        return catalog.leaf(parent, name, anonymous=False).sql is not None
    derived = (type_name.endswith("Edge") and name == "node") or (
        type_name.endswith("Connection") and name in ("edges", "pageInfo")
    )
    return derived or field in relations.RELATIONS


def _walk() -> tuple[list[Field], list[Field]]:
    """(fields with no plan, planned fields not compiled) reachable from Query through plans,
    not counting what the two lists of exceptions name (or what lies under them)."""
    graphql = schema._schema
    unplanned: list[Field] = []
    uncompiled: list[Field] = []
    seen: set[str] = set()
    # Types under a field the compiler leaves to the interpreter are not expected compiled.
    queue: list[tuple[GraphQLObjectType, bool]] = [(graphql.query_type, True)]  # type: ignore[list-item]
    while queue:
        object_type, compiling = queue.pop()
        if (object_type.name, compiling) in seen:
            continue
        seen.add((object_type.name, compiling))  # type: ignore[arg-type]
        for name, definition in object_type.fields.items():
            field = (object_type.name, name)
            target = get_named_type(definition.type)
            leaf = is_leaf_type(target) or field in catalog.VALUE_LISTS
            if field in catalog.STANDARD_ONLY:
                continue
            if not _planned(object_type, field, leaf):
                unplanned.append(field)
                continue
            still = compiling and field not in relations.INTERPRETED
            if still and not _compiled(object_type, field, leaf):
                uncompiled.append(field)
            if leaf:
                continue
            possible = graphql.get_possible_types(target) if is_abstract_type(target) else [target]
            queue += [(each, still) for each in possible if isinstance(each, GraphQLObjectType)]
    return unplanned, uncompiled


def test_every_read_field_has_a_plan_or_a_reason() -> None:
    unplanned, _ = _walk()
    assert not unplanned, f"no plan and not in catalog.STANDARD_ONLY: {sorted(set(unplanned))}"


def test_every_planned_field_is_compiled_or_a_reason() -> None:
    _, uncompiled = _walk()
    assert not uncompiled, f"not compiled and not in INTERPRETED: {sorted(set(uncompiled))}"


def test_the_lists_of_exceptions_name_real_fields() -> None:
    graphql = schema._schema
    for type_name, name in [*catalog.STANDARD_ONLY, *relations.INTERPRETED]:
        found = graphql.get_type(type_name)
        assert isinstance(found, GraphQLObjectType) and name in found.fields, (type_name, name)

"""The cost model on the schema alone: exact for introspection, a bound for every list."""

from __future__ import annotations

from typing import Any

from graphql import get_introspection_query, get_operation_ast, parse
from graphql.execution.values import get_variable_values

from graph.api.schema import list_bounds, schema
from graph.budget.cost import operation_cost, priced_variables
from graph.settings import Settings


def objects(value: Any) -> int:
    """How many objects an answer holds (the `data` object itself not counted)."""
    if isinstance(value, dict):
        return sum(
            1 + objects(item) if isinstance(item, dict) else objects(item)
            for item in value.values()
        )
    if isinstance(value, list):
        return sum(1 + objects(item) if isinstance(item, dict) else objects(item) for item in value)
    return 0


def cost(document: str) -> int:
    parsed = parse(document)
    operation = get_operation_ast(parsed)
    assert operation is not None
    graphql_schema = schema._schema
    variables = get_variable_values(graphql_schema, operation.variable_definitions or (), {})
    bounds = list_bounds(Settings())
    return operation_cost(graphql_schema, parsed, operation, variables, bounds)


def test_every_list_of_objects_has_a_bound() -> None:
    list_bounds(Settings()).check(schema._schema)  # raises UnboundedList naming the field


async def test_introspection_costs_exactly_what_its_answer_holds() -> None:
    document = get_introspection_query(descriptions=True)
    result = await schema.execute(document)
    assert result.errors is None
    assert cost(document) == objects(result.data)


async def test_nested_introspection_costs_exactly_what_its_answer_holds() -> None:
    document = (
        '{ __type(name: "Post") { fields { type { ofType { fields { name type { name } } } } } } '
        "__schema { types { possibleTypes { name } interfaces { name } enumValues { name } } } }"
    )
    result = await schema.execute(document)
    assert result.errors is None
    assert cost(document) == objects(result.data) > 100


def test_cursors_and_slugs_do_not_change_a_price() -> None:
    document = parse(
        """
        query Q($slug: String!, $first: Int = 10, $after: String, $bylines: Boolean!, $t: String!)
        {
          relay(slug: $slug) {
            posts(first: $first, after: $after) {
              edges { node { bylines @include(if: $bylines) { role } } }
            }
          }
          __type(name: $t) { name }
        }
        """
    )
    assert priced_variables(document) == ("first", "bylines", "t")

"""The cost model on the schema alone: exact for introspection, a bound for every list and
leaf."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest
from graphql import get_introspection_query, get_operation_ast, parse
from graphql.execution.values import get_variable_values

from graph.api.bounds import list_bounds
from graph.budget.cost import Pricing, Size, priced_variables
from graph.budget.sizes import UnboundedList, UnsizedLeaf
from graph.schema import schema
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


def data_size(document: str) -> Size:
    """What the pricer says the document's `data` can hold at most."""
    parsed = parse(document)
    operation = get_operation_ast(parsed)
    assert operation is not None
    graphql_schema = schema._schema
    variables = get_variable_values(graphql_schema, operation.variable_definitions or (), {})
    bounds = list_bounds(Settings())
    size, _ = Pricing(graphql_schema, parsed, operation, variables, bounds).data()
    return size


def test_every_list_and_leaf_has_a_bound() -> None:
    # Raises UnboundedList or UnsizedLeaf naming the field.
    list_bounds(Settings()).check(schema._schema)


def test_a_leaf_without_a_size_is_named() -> None:
    bounds = list_bounds(Settings())
    leaves = {key: size for key, size in bounds.leaves.items() if key != ("Post", "title")}
    with pytest.raises(UnsizedLeaf, match=r"^Post\.title \(String\)$"):
        replace(bounds, leaves=leaves).check(schema._schema)
    lists = {key: size for key, size in bounds.lists.items() if key != ("FieldError", "path")}
    with pytest.raises(UnboundedList, match=r"^FieldError\.path$"):
        replace(bounds, lists=lists).check(schema._schema)


INTROSPECTION = [
    get_introspection_query(descriptions=True),
    '{ __type(name: "Post") { fields { type { ofType { fields { name type { name } } } } } } '
    "__schema { types { possibleTypes { name } interfaces { name } enumValues { name } } } }",
    '{ __type(name: "Query") { fields(includeDeprecated: true) { name description args '
    "{ name defaultValue type { kind name ofType { name } } } } } "
    "__schema { directives { name locations isRepeatable args { name } } } }",
]


@pytest.mark.parametrize("document", INTROSPECTION, ids=["graphiql", "nested", "arguments"])
async def test_introspection_is_priced_exactly_what_its_answer_holds(document: str) -> None:
    result = await schema.execute(document)
    assert result.errors is None
    size = data_size(document)
    assert size.objects == objects(result.data) > 50
    # Every key and value as served, to the byte: introspection reads the real schema.
    assert size.bytes == len(orjson.dumps(result.data))


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

"""graph.planning.relations: each object-valued field declared once by kind, and both
executors' ways of fetching it derived from that one declaration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import get_args

import pytest
from fixtures.schemas import schema
from fixtures.units import Rows, tagged_rows
from graphql import GraphQLField, GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from graph.planning import catalog
from graph.planning.compile import relations as compiler
from graph.planning.relations import CONNECTIONS, RELATIONS, Kind, Listed


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _field(type_name: str, field_name: str) -> GraphQLField:
    parent = schema._schema.get_type(type_name)
    assert isinstance(parent, GraphQLObjectType), type_name
    return parent.fields[field_name]


def test_every_declared_relation_is_an_object_valued_field_of_the_schema() -> None:
    for type_name, field_name in RELATIONS:
        named = get_named_type(_field(type_name, field_name).type)
        assert isinstance(named, GraphQLObjectType), (type_name, field_name)


def test_every_kind_derives_both_an_interpreter_source_and_a_compiler_subquery() -> None:
    used = {type(kind) for kind in RELATIONS.values()}
    assert used == set(get_args(Kind))  # each kind is declared for some field
    for field, kind in RELATIONS.items():
        assert callable(catalog.interpreted(kind).source(True)), field
        assert callable(compiler.compiled(kind)), field
        assert field in catalog.RELATIONS and field in compiler.RELATIONS, field


def test_the_connections_are_exactly_the_fields_whose_value_is_a_page() -> None:
    pages = {
        field
        for field in RELATIONS
        if get_named_type(_field(*field).type).name.endswith("Connection")
    }
    assert pages == CONNECTIONS
    assert ("Relay", "posts") in CONNECTIONS and ("Post", "relay") not in CONNECTIONS


def test_the_interpreter_gets_lists_and_nulls_as_the_schema_declares_them() -> None:
    for field, kind in RELATIONS.items():
        declared = _field(*field).type
        relation = catalog.interpreted(kind)
        assert relation.required == isinstance(declared, GraphQLNonNull), field
        inner = declared.of_type if isinstance(declared, GraphQLNonNull) else declared
        assert relation.many == isinstance(inner, GraphQLList), field


async def test_a_listed_relation_gathers_each_parents_rows_in_its_order(rows: Rows) -> None:
    relay = await rows.relay()
    first, second = await rows.author("Bo"), await rows.author("Åse")
    post = await rows.post(relay, authors=(first, second))
    bylines = RELATIONS[("Post", "bylines")]
    assert isinstance(bylines, Listed)
    found = await bylines.gather([post.id])
    assert [row["author"]["id"] for row in found] == [first.id, second.id]
    assert {row[bylines.column] for row in found} == {post.id}

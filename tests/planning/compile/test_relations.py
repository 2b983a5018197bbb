"""graph.planning.compile.relations: which compiler writes each schema field, and which
fields are left to the interpreter. Writing needs no database: these run on either backend.
"""

from __future__ import annotations

from fixtures.units import planned

from graph.planning.compile.objects import same_row
from graph.planning.compile.relations import CONNECTIONS, INTERPRETED, RELATIONS, joins
from graph.planning.nodes import Join


def _first_join(document: str) -> Join:
    join = planned(document).plan.root.fields[0]
    assert isinstance(join, Join)
    return join


def test_every_connection_has_a_compiler_and_none_is_also_interpreted() -> None:
    assert set(RELATIONS) >= CONNECTIONS
    assert not set(RELATIONS) & set(INTERPRETED)


def test_a_field_is_written_by_its_own_compiler_and_an_edges_node_by_its_row() -> None:
    relay = _first_join('{ relay(slug: "x") { posts(first: 1) { edges { node { slug } } } } }')
    assert joins(relay) is RELATIONS[("Query", "relay")]
    (shape,) = relay.shapes.values()
    (posts,) = shape.joins
    (connection,) = posts.shapes.values()
    (edges,) = connection.joins
    (edge,) = edges.shapes.values()
    (node,) = edge.joins
    assert node.field == ("PostEdge", "node") and joins(node) is same_row


def test_a_plan_holding_an_interpreted_field_is_not_compiled() -> None:
    for document in (
        '{ node(id: "UmVsYXk6MQ==") { id } }',
        '{ search(query: "klima", first: 1) { edges { node { slug } } } }',
    ):
        assert not planned(document).plan.compiled, document
    assert not planned(
        '{ post(slug: "x") { revisions(first: 1) { version } } }', False
    ).plan.compiled
    assert planned('{ post(slug: "x") { slug relay { title } bylines { role } } }').plan.compiled

"""graph.planning.build: a parsed, validated operation becomes a Plan (no HTTP, no database)."""

from __future__ import annotations

import pytest
from fixtures.units import SETTINGS, planned
from graphql import parse

from graph.planning.build import directive_variables
from graph.planning.nodes import Join, Leaf, NotPlannable, Request, Shape
from graph.read.access import ANONYMOUS

RELAY = """query ($slug: String!, $first: Int!) {
  relay(slug: $slug) {
    __typename heading: title
    ... on Relay { slug }
    posts(first: $first) { totalCount edges { node { slug title relay { slug } } } }
  }
}"""


def _child(shape: Shape, key: str) -> Shape:
    join = next(item for item in shape.fields if item.key == key)
    assert isinstance(join, Join)
    (child,) = join.shapes.values()
    return child


def _keys(shape: Shape) -> list[str]:
    return [item.key for item in shape.fields]


def test_keys_follow_the_selection_with_aliases_and_fragments_merged() -> None:
    plan = planned(RELAY, slug="x", first=2).plan
    relay = _child(plan.root, "relay")
    assert _keys(plan.root) == ["relay"]
    assert _keys(relay) == ["__typename", "heading", "slug", "posts"]
    typename = relay.fields[0]
    assert isinstance(typename, Leaf) and typename.read({}) == "Relay"
    post = _child(_child(_child(relay, "posts"), "edges"), "node")
    assert _keys(post) == ["slug", "title", "relay"]


def test_post_fetches_read_only_the_long_texts_and_rows_the_query_shows() -> None:
    lean = planned(RELAY, slug="x", first=2).plan.posts
    assert lean.long == frozenset() and lean.joined == frozenset({"relay"})
    full = planned('{ post(slug: "x") { body category { slug } } }').plan.posts
    assert full.long == frozenset({"body"}) and full.joined == frozenset({"category"})


def test_an_argument_written_with_a_variable_is_read_per_request() -> None:
    made = planned(RELAY, slug="x", first=2)
    join = made.plan.root.fields[0]
    assert isinstance(join, Join)
    assert join.arguments(made.request()) == {"slug": "x"}
    other = planned(RELAY, slug="y", first=2)
    assert join.arguments(Request(ANONYMOUS, other.variables, SETTINGS)) == {"slug": "y"}


def test_skip_and_include_build_the_plan_for_the_variables_values() -> None:
    document = 'query ($more: Boolean!) { relay(slug: "x") { title slug @include(if: $more) } }'
    assert directive_variables(parse(document)) == ("more",)
    assert _keys(_child(planned(document, more=False).plan.root, "relay")) == ["title"]
    assert _keys(_child(planned(document, more=True).plan.root, "relay")) == ["title", "slug"]


def test_editors_only_fields_are_a_null_leaf_for_anonymous_callers() -> None:
    document = '{ post(slug: "x") { slug revisions(first: 2) { version } } }'
    anonymous = _child(planned(document).plan.root, "post")
    assert isinstance(anonymous.fields[1], Leaf) and anonymous.fields[1].read({}) is None
    editor = _child(planned(document, anonymous=False).plan.root, "post")
    assert isinstance(editor.fields[1], Join)


def test_introspection_has_no_plan() -> None:
    with pytest.raises(NotPlannable):
        planned("{ __schema { queryType { name } } }")


def test_a_frontend_page_compiles_and_a_search_does_not() -> None:
    assert planned(RELAY, slug="x", first=2).plan.compiled
    search = '{ search(query: "klima", first: 2) { edges { node { slug } } } }'
    assert not planned(search).plan.compiled

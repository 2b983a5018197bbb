"""The complexity counter, called directly: what it counts, where it stops, what passes."""

from __future__ import annotations

import pytest
from graphql import get_introspection_query, parse

from graph.api.complexity import Caps, Measures, Walk, refusal
from graph.cache.persisted import OPERATIONS_DIR
from graph.settings import Settings

CAPS = Caps.of(Settings())
TYPENAMES = "{ " + "__typename " * 1000 + "}"  # 1,002 tokens
SAME_NAME = "{ " + "relays { totalCount } " * 390 + "}"  # 1,562 tokens


def _refused(document: str) -> dict[str, object]:
    error = refusal(parse(document), CAPS)
    assert error is not None, "not refused"
    assert error.extensions is not None
    return {"message": error.message, **error.extensions}


def _measured(document: str) -> Measures:
    walk = Walk(parse(document), CAPS)
    assert walk.refusal() is None, "refused"
    return walk.measures


@pytest.mark.parametrize(("document", "fields"), [(TYPENAMES, 1000), (SAME_NAME, 390)])
def test_a_flooded_selection_set_is_refused_naming_count_and_cap(
    document: str, fields: int
) -> None:
    assert _refused(document) == {
        "message": f"This document has a selection set of {fields} fields; the limit is 100.",
        "code": "QUERY_TOO_COMPLEX",
        "measure": "selectionSetFields",
        "count": fields,
        "limit": 100,
    }


def test_repeated_names_under_the_field_cap_are_refused_by_their_comparisons() -> None:
    # 23 fields, then 23 `totalCount`s merged below them: 2 x 253 pairs.
    refused = _refused("{ " + "relays { totalCount } " * 23 + "}")
    assert (refused["measure"], refused["count"], refused["limit"]) == (
        "mergeComparisons",
        506,
        500,
    )
    assert _measured("{ " + "relays { totalCount } " * 22 + "}").merge_comparisons == 462


def test_sub_selections_of_repeated_fields_are_merged_as_validation_merges_them() -> None:
    # Six fields of six fields each: no set of more than six as written, but the six
    # `relays` merge into one selection set of 36 `totalCount`s (630 pairs).
    refused = _refused("{ " + ("relays { " + "totalCount " * 6 + "} ") * 6 + "}")
    assert (refused["measure"], refused["count"]) == ("mergeComparisons", 15 + 630)


def test_fragments_spread_together_are_compared_in_pairs() -> None:
    # No field repeats, but validation compares every pair of fragments spread together:
    # 200 of them took 123 ms.
    spreads = " ".join(f"...F{i}" for i in range(40))
    fragments = " ".join(f"fragment F{i} on Query {{ ...G }}" for i in range(40))
    document = f"{{ {spreads} }} {fragments} fragment G on Query {{ __typename }}"
    refused = _refused(document)
    assert (refused["measure"], refused["count"]) == ("mergeComparisons", 820)  # C(41, 2)


def test_a_fragment_is_merged_once_per_selection_set() -> None:
    document = (
        "{ relays { edges { node { ...R ...R ... on Relay { ...R } } } } } "
        "fragment R on Relay { id title slug }"
    )
    measures = _measured(document)
    assert measures.widest == 3
    assert measures.merge_comparisons == 0


def test_a_fragment_counts_wherever_it_is_spread() -> None:
    hop = "a{}: relays {{ edges {{ node {{ ...R }} }} }}"
    fragment = "fragment R on Relay { " + "id title slug startedOn endedOn previousSlugs " * 3
    document = "{ " + " ".join(hop.format(i) for i in range(30)) + " } " + fragment + "}"
    # Each alias walks 3 selections and the fragment's 18 fields: 30 x 21, past 500.
    assert _refused(document)["measure"] == "selections"


def test_fragments_that_double_at_each_level_are_walked_once_per_selection_set() -> None:
    """The old alias and depth rules expanded this document 2ⁿ times (18 levels: 1.5 s,
    and 100 fit the token limit); the walk merges each fragment once per selection set."""
    levels = 25
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ... on Query {{ ...F{i + 1} }} }}"
        for i in range(levels)
    )
    document = f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ __typename }}"
    measures = _measured(document)
    assert measures.selections == 1 + 2 * levels + levels + 1


def test_a_fragment_cycle_ends_the_walk_and_is_left_to_validation() -> None:
    document = (
        '{ post(slug: "x") { ...P } } '
        "fragment P on Post { relay { posts { edges { node { ...Q } } } } } "
        "fragment Q on Post { title ...P }"
    )
    assert refusal(parse(document), CAPS) is None


def test_a_fragment_no_operation_spreads_is_counted_too() -> None:
    # Validation checks its selection sets as much as an operation's.
    document = "{ __typename } fragment U on Query { " + "relays { totalCount } " * 200 + "}"
    assert _refused(document)["measure"] == "selectionSetFields"


def test_depth_counts_through_fragments() -> None:
    hop = "relay {{ posts {{ edges {{ node {{ {} }} }} }} }}"
    fragment = "fragment Deep on Post { " + hop.format(hop.format(hop.format("title"))) + " }"
    refused = _refused('{ post(slug: "x") { ...Deep } } ' + fragment)
    assert (refused["measure"], refused["count"], refused["limit"]) == ("depth", 13, 12)


def test_introspection_subtrees_are_not_counted_in_depth() -> None:
    of_type = "ofType { " * 20 + "name" + " }" * 20
    assert (
        _measured(f"{{ __schema {{ types {{ fields {{ type {{ {of_type} }} }} }} }} }}").depth == 0
    )


def test_aliases_and_directives_are_counted_as_written() -> None:
    aliased = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
    assert _refused(aliased)["message"] == "This document has 31 aliases; the limit is 30."
    directed = "{ " + "__typename @include(if: true) " * 51 + "}"
    refused = _refused(directed)
    assert (refused["measure"], refused["count"], refused["limit"]) == ("directives", 51, 50)


def _named_operations() -> dict[str, str]:
    documents = {path.stem: path.read_text() for path in sorted(OPERATIONS_DIR.glob("*.graphql"))}
    documents["introspection"] = get_introspection_query()
    # GraphiQL asks for everything it can show.
    documents["introspection (all options)"] = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    return documents


NAMED = _named_operations()


@pytest.mark.parametrize("name", NAMED)
def test_named_operations_and_introspection_pass_with_room_to_spare(name: str) -> None:
    measures = _measured(NAMED[name])
    # At most half of each new cap: no near miss for what frontends send. (Depth and
    # aliases are the limits they always had: RelaysWithPosts nests 8 deep of 12.)
    assert measures.depth <= CAPS.depth
    assert measures.aliases <= CAPS.aliases
    assert measures.directives * 2 <= CAPS.directives
    assert measures.selections * 2 <= CAPS.selections
    assert measures.widest * 2 <= CAPS.selection_set_fields
    assert measures.merge_comparisons * 2 <= CAPS.merge_comparisons

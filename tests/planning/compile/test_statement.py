"""graph.planning.compile.statement: parameters, aliases and a Shape as `json_build_object`.

Writing a statement needs no database: these run on either backend.
"""

from __future__ import annotations

import pytest
from fixtures.units import SETTINGS

from graph.planning.compile.statement import (
    MAX_KEYS,
    NotCompilable,
    Statement,
    entity_tags,
    json_object,
    object_json,
)
from graph.planning.nodes import Join, Leaf, Request, Shape
from graph.read.access import ANONYMOUS


def _statement() -> Statement:
    def no_joins(join: Join) -> object:
        raise AssertionError(join)

    return Statement(Request(ANONYMOUS, None, SETTINGS), no_joins)  # type: ignore[arg-type]


def test_question_marks_become_named_parameters_in_order() -> None:
    statement = _statement()
    bound = statement.bind("a = ? AND b IN (?, ?)", ["x", 2, None])
    assert bound == "a = %(p0)s AND b IN (%(p1)s, %(p2)s)"
    assert statement.params == {"p0": "x", "p1": 2, "p2": None}
    with pytest.raises(ValueError, match="2 values for 1 placeholders"):
        statement.bind("a = ?", [1, 2])


def test_a_nul_is_bound_as_a_replacement_character() -> None:
    statement = _statement()
    statement.param("a\x00b")
    assert statement.params == {"p0": "a\ufffdb"}


def test_each_alias_is_fresh() -> None:
    statement = _statement()
    assert [statement.alias("s"), statement.alias("o"), statement.alias("s")] == ["s1", "o2", "s3"]


def test_an_object_has_its_tags_first_then_its_keys_in_order() -> None:
    shape = Shape(
        "Post",
        (Leaf("slug", str, "slug", lambda a: f"{a}.slug"), Leaf("n", str, "n", lambda a: "1")),
        tags=lambda row: (),
    )
    written = object_json(_statement(), shape, "s1")
    assert written == (
        "json_build_object('#', 'Post:' || s1.id || ' posts:relay:' || s1.relay_id, "
        "'slug', s1.slug, 'n', 1)"
    )
    assert entity_tags("Category", "c") == "'Category:' || c.id"
    assert entity_tags("PostConnection", "c") is None


def test_past_fifty_keys_an_object_cannot_be_one_function_call() -> None:
    pairs = [(f"k{n}", "1") for n in range(MAX_KEYS + 1)]
    assert json_object(pairs).startswith("json_build_object('k0', 1")
    with pytest.raises(NotCompilable):
        json_object([*pairs, ("one_more", "1")])

"""graph.planning.run: the interpreter fetches level by level and writes the answer's dicts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import pytest
from fixtures.units import SETTINGS, Rows, planned, tagged_rows

from graph import db
from graph.planning.nodes import Join, Leaf, Request, Shape
from graph.planning.run import MissingRow, run, shape_rows
from graph.read.access import ANONYMOUS

Row = Mapping[str, Any]


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _leaf(key: str) -> Leaf:
    return Leaf(key, lambda row: row[key])


def _join(
    key: str, children: dict[int, Any], *, many: bool, required: bool = False
) -> tuple[Join, list[int]]:
    """A Join whose source hands each parent `children[parent id]`, and its calls' sizes."""
    calls: list[int] = []

    async def source(parents: Sequence[Row], arguments: Any, request: Request) -> list[Any]:
        calls.append(len(parents))
        return [children.get(parent["id"], [] if many else None) for parent in parents]

    shape = Shape("Child", (_leaf("name"),), tags=lambda row: (f"Child:{row['name']}",))
    return Join(key, source, lambda request: {}, many, required, {"Child": shape}), calls


async def test_each_join_runs_once_for_all_parents_and_keeps_key_order() -> None:
    kids, calls = _join("kids", {1: [{"name": "a"}, {"name": "b"}], 2: [{"name": "c"}]}, many=True)
    shape = Shape("Parent", (_leaf("id"), kids, _leaf("title")))
    request = Request(ANONYMOUS, None, SETTINGS)
    made = await shape_rows(shape, [{"id": 1, "title": "x"}, {"id": 2, "title": "y"}], request)
    assert made == [
        {"id": 1, "kids": [{"name": "a"}, {"name": "b"}], "title": "x"},
        {"id": 2, "kids": [{"name": "c"}], "title": "y"},
    ]
    assert list(made[0]) == ["id", "kids", "title"]
    assert calls == [2]
    assert request.tags == {"Child:a", "Child:b", "Child:c"}


async def test_a_to_one_join_that_finds_nothing_is_null() -> None:
    best, _ = _join("best", {1: {"name": "a"}}, many=False)
    shape = Shape("Parent", (best,))
    made = await shape_rows(shape, [{"id": 1}, {"id": 2}], Request(ANONYMOUS, None, SETTINGS))
    assert made == [{"best": {"name": "a"}}, {"best": None}]


async def test_a_required_join_that_finds_nothing_is_a_missing_row() -> None:
    owner, _ = _join("owner", {1: {"name": "a"}}, many=False, required=True)
    with pytest.raises(MissingRow):
        await shape_rows(
            Shape("Parent", (owner,)), [{"id": 1}, {"id": 2}], Request(ANONYMOUS, None, SETTINGS)
        )


async def test_no_rows_fetch_nothing_below() -> None:
    kids, calls = _join("kids", {}, many=True)
    assert await shape_rows(Shape("Parent", (kids,)), [], Request(ANONYMOUS, None, SETTINGS)) == []
    assert calls == []


async def test_a_planned_query_answers_from_the_database(rows: Rows) -> None:
    relay = await rows.relay(title="Stafetten")
    posts = await rows.published(relay, 3)
    document = """query ($slug: String!) { relay(slug: $slug) {
      title posts(first: 2) { totalCount edges { node { slug leg } } } } }"""
    made = planned(document, slug=relay.slug)
    request = made.request()
    data = await run(made.plan, request)
    assert data == {
        "relay": {
            "title": "Stafetten",
            "posts": {
                "totalCount": 3,
                "edges": [
                    {"node": {"slug": posts[2].slug, "leg": 3}},
                    {"node": {"slug": posts[1].slug, "leg": 2}},
                ],
            },
        }
    }
    assert f"Relay:{relay.id}" in request.tags and f"Post:{posts[2].id}" in request.tags
    # On PostgreSQL the compiler's one statement answered it; on SQLite the interpreter.
    assert request.compiled is (db.dialect() == "postgres")


async def test_a_lookup_that_finds_nothing_is_null(rows: Rows) -> None:
    made = planned("query ($slug: String!) { relay(slug: $slug) { title } }", slug=rows.slug("x"))
    assert await run(made.plan, made.request()) == {"relay": None}

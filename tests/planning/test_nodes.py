"""graph.planning.nodes: a Shape lays out its keys once, in selection order."""

from __future__ import annotations

from typing import Any

from fixtures.units import SETTINGS

from graph.planning.nodes import Join, Leaf, Plan, Request, Shape
from graph.read.access import ANONYMOUS
from graph.read.posts import EVERY_COLUMN


async def _nothing(parents: Any, arguments: Any, request: Any) -> list[Any]:
    return [None for _ in parents]


def _join(key: str) -> Join:
    child = Shape("Relay", (Leaf("title", lambda row: row["title"]),))
    return Join(key, _nothing, lambda request: {}, False, False, {"Relay": child})


def test_the_layout_keeps_the_selection_order_with_joins_held_in_place() -> None:
    title = Leaf("title", lambda row: row["title"])
    relay = _join("relay")
    slug = Leaf("slug", lambda row: row["slug"])
    shape = Shape("Post", (title, relay, slug))
    assert [key for key, _ in shape.layout] == ["title", "relay", "slug"]
    readers = dict(shape.layout)
    assert readers["relay"] is None  # filled in when the Join runs
    assert readers["slug"] is not None and readers["slug"]({"slug": "x"}) == "x"


def test_the_joins_are_listed_once_in_order() -> None:
    first, second = _join("relay"), _join("again")
    shape = Shape("Post", (first, Leaf("slug", str), second))
    assert shape.joins == (first, second)
    assert Shape("Post", (Leaf("slug", str),)).joins == ()


def test_a_request_starts_empty_and_reads_every_post_column() -> None:
    request = Request(ANONYMOUS, None, SETTINGS)
    assert (request.tags, request.memo, request.compiled) == (set(), {}, False)
    assert request.posts is EVERY_COLUMN
    assert (
        Request(ANONYMOUS, None, SETTINGS).tags is not request.tags
    )  # nothing shared between runs
    assert Plan(Shape("Query", ()), EVERY_COLUMN).compiled is False

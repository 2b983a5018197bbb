"""graph.planning.answering: the plan cache, and why a plan's run hands the operation back to
standard execution (each reason a `/metrics` label)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fixtures.units import SETTINGS, Rows, planned, tagged_rows

from graph import db
from graph.planning import answering
from graph.planning.answering import DocumentPlans, Fallback, PlanCache, run_plan
from graph.planning.nodes import Join, Leaf, Plan, Request, Shape
from graph.read.access import ANONYMOUS
from graph.read.posts import EVERY_COLUMN

RELAY = '{ relay(slug: "%s") { title } }'


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _plan_fetching(source: Any, required: bool = True) -> Plan:
    """`{ relay { title } }` whose relay comes from `source`."""
    relay = Shape("Relay", (Leaf("title", lambda row: row["title"]),))
    join = Join("relay", source, lambda request: {}, False, required, {"Relay": relay})
    return Plan(Shape("Query", (join,)), EVERY_COLUMN)


def _request() -> Request:
    return Request(ANONYMOUS, None, SETTINGS)


def test_the_cache_keeps_one_entry_per_document_and_drops_the_least_recently_used() -> None:
    cache = PlanCache(size=2)
    one, two, three = (DocumentPlans(()) for _ in range(3))
    cache.put(("{ a }", None), one)
    cache.put(("{ b }", None), two)
    assert cache.get(("{ a }", None)) is one  # now the most recently used
    cache.put(("{ c }", None), three)
    assert cache.get(("{ b }", None)) is None
    assert cache.get(("{ a }", None)) is one and cache.get(("{ c }", None)) is three
    assert cache.get(("{ a }", "Named")) is None  # an operation name is part of the key


def test_a_document_has_one_plan_per_caller_kind_and_directive_values() -> None:
    plans = DocumentPlans(("full",))
    key = plans.key(True, {"full": True, "slug": "a"})
    assert plans.key(True, {"full": True, "slug": "b"}) == key  # other variables do not split
    assert plans.key(True, {"full": False, "slug": "a"}) != key
    assert plans.key(False, {"full": True, "slug": "a"}) != key


async def test_a_plan_that_runs_gives_the_data_and_counts_a_compiled_answer(rows: Rows) -> None:
    relay = await rows.relay()
    made = planned(RELAY % relay.slug)
    assert made.plan.compiled  # so on PostgreSQL one statement answers it
    before = answering.counters.compiled
    data = await run_plan(made.plan, made.request())
    assert data == {"relay": {"title": relay.title}}
    compiled = made.plan.compiled and db.dialect() == "postgres"
    assert answering.counters.compiled == before + compiled


async def test_a_bad_cursor_falls_back_as_a_client_error(database: str) -> None:
    made = planned('{ posts(first: 1, after: "garbage") { edges { node { slug } } } }')
    assert await run_plan(made.plan, made.request()) is Fallback.CLIENT_ERROR


async def test_a_required_relation_without_its_row_falls_back_as_a_missing_row() -> None:
    async def no_row(parents: Any, arguments: Any, request: Request) -> list[Any]:
        return [None for _ in parents]

    assert await run_plan(_plan_fetching(no_row), _request()) is Fallback.MISSING_ROW
    nullable = await run_plan(_plan_fetching(no_row, required=False), _request())
    assert nullable == {"relay": None}


async def test_a_planner_failure_is_raised_when_strict_else_logged_and_falls_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(parents: Any, arguments: Any, request: Request) -> list[Any]:
        raise RuntimeError("planner bug")

    with pytest.raises(RuntimeError, match="planner bug"):
        await run_plan(_plan_fetching(broken), _request(), strict=True)
    with caplog.at_level(logging.WARNING, logger=answering.__name__):
        assert await run_plan(_plan_fetching(broken), _request()) is Fallback.FAILED
    assert "planned execution failed" in caplog.text

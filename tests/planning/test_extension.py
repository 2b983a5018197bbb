"""Why standard execution answered, counted on /metrics, and what a planner exception does:
falls back (counted `failed`, logged) in production, answers with an error under
PLANNER_STRICT so that a test fails."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from planning_paths import NOT_EXECUTED, PLANNED, executor_counts, path_taken

from graph.app import create_app
from graph.planning import answering
from graph.planning.nodes import Plan, Request
from graph.request.errors import MASKED_MESSAGE
from graph.settings import Settings

EXECUTION = "strawberry.execution"
RELAYS = "{ relays(first: 2) { edges { node { slug } } } }"
ARCHIVE = """mutation { archivePost(input: {id: "UG9zdDox", expectedVersion: 1}) { __typename } }"""


@pytest.fixture
async def http(
    request: pytest.FixtureRequest, database: str, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """An uncached app with the settings the test is marked with (`@pytest.mark.parametrize`
    of `overrides`, indirect); made here, before the test body, so caplog sees its logs."""
    overrides: dict[str, Any] = getattr(request, "param", {})
    app = create_app(settings.model_copy(update={"response_cache": False, **overrides}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def answer_and_path(http: httpx.AsyncClient, document: str) -> tuple[Any, str]:
    """The decoded answer, and the executor counter the request moved."""
    before = await executor_counts(http)
    body = (await http.post("/graphql", json={"query": document})).json()
    return body, path_taken(before, await executor_counts(http))


async def test_a_query_with_a_plan_is_counted_planned(http: httpx.AsyncClient) -> None:
    body, path = await answer_and_path(http, RELAYS)
    assert body["data"]["relays"]["edges"]
    assert path == PLANNED


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (ARCHIVE, "not_query"),
        ("{ __schema { queryType { name } } }", "not_plannable"),
        (
            '{ relays(first: 2, after: "not-a-cursor!") { edges { node { slug } } } }',
            "client_error",
        ),
    ],
    ids=["mutation", "introspection", "bad cursor"],
)
async def test_each_fallback_is_counted_with_its_reason(
    http: httpx.AsyncClient, document: str, reason: str
) -> None:
    _, path = await answer_and_path(http, document)
    assert path == reason


async def test_a_lone_surrogate_is_refused_before_either_executor(
    http: httpx.AsyncClient,
) -> None:
    """No driver can encode it: the request is refused before planning (the client's
    mistake, graph/api/surrogates.py), so neither executor runs and nothing is counted."""
    before = await executor_counts(http)
    body = {"query": "query ($s: String!) { post(slug: $s) { id } }", "variables": {"s": "a\ud800"}}
    # json.dumps writes the surrogate as an escape, as a client's JSON would carry it.
    sent = await http.post(
        "/graphql", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert path_taken(before, await executor_counts(http)) == NOT_EXECUTED
    (error,) = sent.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_CHARACTER"


@pytest.mark.parametrize("http", [{"planned_execution": False}], indirect=True)
async def test_with_planning_off_every_answer_is_counted_disabled(
    http: httpx.AsyncClient,
) -> None:
    body, path = await answer_and_path(http, RELAYS)
    assert body["data"]["relays"]["edges"]
    assert path == "disabled"


async def broken_run(plan: Plan, request: Request) -> dict[str, Any]:
    """Stands in for a planner bug: no real plan raises unexpectedly (that would be one)."""
    raise RuntimeError("planner bug")


@pytest.mark.parametrize("http", [{"planner_strict": False}], indirect=True)
async def test_a_planner_exception_falls_back_logged_and_counted(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(answering, "run", broken_run)
    caplog.set_level(logging.WARNING, logger=answering.__name__)
    body, path = await answer_and_path(http, RELAYS)
    assert body["data"]["relays"]["edges"]  # the client still gets its answer
    assert path == "failed"
    assert "planner bug" in caplog.text


@pytest.mark.parametrize("http", [{"planner_strict": True}], indirect=True)
async def test_under_strict_a_planner_exception_is_an_error_answer(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(answering, "run", broken_run)
    caplog.set_level(logging.ERROR, logger=EXECUTION)
    body, path = await answer_and_path(http, RELAYS)
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [MASKED_MESSAGE]  # masked
    assert path == NOT_EXECUTED  # no executor answered
    # For whoever reads the failing test's log: the planner's traceback.
    (logged,) = [record for record in caplog.records if record.name == EXECUTION]
    assert logged.levelno == logging.ERROR and "planner bug" in caplog.text

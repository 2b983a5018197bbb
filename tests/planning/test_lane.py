"""The fast lane answers a known document exactly as the whole way through Strawberry does.

Two apps on one database, the lane on and off; each request goes to both, and the status,
the bytes and the headers a client or CDN reads must be the same. The lane must really be
taken (counted on /metrics) for the named operations, and leave to Strawberry what it cannot
know: a price not yet worked out, a caller over budget, an answer that is an error.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from fixtures import synthetic

from graph.app import create_app
from graph.cache.persisted import sha256_hex
from graph.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"
FAST_LANE_TOTAL = re.compile(r"^graph_execution_fast_lane_total (\d+)$", re.MULTILINE)
PLANNED_TOTAL = re.compile(r"^graph_execution_planned_total (\d+)$", re.MULTILINE)
# Headers a client, a browser or a CDN reads (not the request id, which is per request).
COMPARED = ("content-type", "content-length", "vary", "cache-control", "ratelimit", "etag")
CASES = [
    ("RelaysWithPosts", {"first": 3, "postsFirst": 2}),
    ("RelayPage", {"slug": "syntetisk-stafet-0", "first": 2}),
    ("PostPage", {"slug": "syntetisk-0-2"}),
    ("CategoryPage", {"slug": "syntetisk", "first": 2}),
    ("AuthorPage", {"slug": "faelles-skribent", "first": 2}),
    ("OrganizationPage", {"slug": "syntetisk-kommune", "first": 2}),
    ("Search", {"query": "indlæg stafet", "first": 2}),
]


@pytest.fixture(scope="module")
async def data(database: str) -> AsyncIterator[synthetic.Synthetic]:
    made = await synthetic.create(relays=3)
    try:
        yield made
    finally:
        await synthetic.remove(made)


def _client(settings: Settings, **changes: Any) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update={"response_cache": False, **changes}))
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def lanes(database: str, settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, ...]]:
    async with _client(settings) as fast, _client(settings, fast_lane=False) as whole:
        yield fast, whole


async def _fast_total(http: httpx.AsyncClient) -> int:
    return (await _totals(http))[0]


async def _totals(http: httpx.AsyncClient) -> tuple[int, int]:
    """(fast lane, planned) answers so far: the lane's answers are planned answers too."""
    metrics = (await http.get("/metrics")).text
    fast, planned = FAST_LANE_TOTAL.search(metrics), PLANNED_TOTAL.search(metrics)
    assert fast is not None and planned is not None, metrics
    return int(fast.group(1)), int(planned.group(1))


def _seen(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {name: response.headers[name] for name in COMPARED if name in response.headers}
    return response.status_code, response.content, headers


async def _both(
    lanes: tuple[httpx.AsyncClient, ...], send: Any
) -> tuple[httpx.Response, httpx.Response]:
    fast, whole = lanes
    return await send(fast), await send(whole)


def _post(document: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
    body = {"query": document, "variables": variables}
    return lambda http: http.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
@pytest.mark.parametrize(("name", "variables"), CASES, ids=[name for name, _ in CASES])
async def test_a_named_operation_answers_alike_and_takes_the_lane(
    data: synthetic.Synthetic,
    lanes: tuple[httpx.AsyncClient, ...],
    editor_token: str,
    caller: str,
    name: str,
    variables: dict[str, Any],
) -> None:
    headers = {"Authorization": f"Bearer {editor_token}"} if caller == "editor" else {}
    document = (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")
    send = _post(document, variables, headers)
    first = await _both(lanes, send)  # the whole way on both: the document is new
    fast_before, planned_before = await _totals(lanes[0])
    fast, whole = await _both(lanes, send)
    # Both apps count into this process's one set of counters: two planned answers, one of
    # them in the lane.
    assert await _totals(lanes[0]) == (fast_before + 1, planned_before + 2)
    assert _seen(fast) == _seen(whole) == _seen(first[0])
    assert "errors" not in fast.json()


async def test_a_get_request_and_a_persisted_hash_take_the_lane_too(
    data: synthetic.Synthetic, lanes: tuple[httpx.AsyncClient, ...]
) -> None:
    document = (OPERATIONS / "PostPage.graphql").read_text(encoding="utf-8")
    variables = orjson.dumps({"slug": "syntetisk-0-2"}).decode()
    text = urlencode({"query": document, "variables": variables})
    extensions = orjson.dumps(
        {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(document)}}
    )
    hashed = urlencode({"variables": variables, "extensions": extensions.decode()})
    for query_string in (text, hashed):
        await _both(lanes, lambda http, q=query_string: http.get(f"/graphql?{q}"))
        before = await _fast_total(lanes[0])
        fast, whole = await _both(lanes, lambda http, q=query_string: http.get(f"/graphql?{q}"))
        assert await _fast_total(lanes[0]) == before + 1, query_string
        assert _seen(fast) == _seen(whole)


async def test_what_the_lane_cannot_know_goes_the_whole_way(
    data: synthetic.Synthetic, lanes: tuple[httpx.AsyncClient, ...]
) -> None:
    document = (OPERATIONS / "RelayPage.graphql").read_text(encoding="utf-8")
    known = {"slug": "syntetisk-stafet-0", "first": 2}
    await _both(lanes, _post(document, known, {}))
    for variables in (
        {**known, "first": 3},  # a page size not priced yet
        {**known, "first": 1000},  # out of range: an error answer
        {**known, "after": "not-a-cursor"},  # an error answer
        {**known, "first": "two"},  # wrong variables
    ):
        before = await _fast_total(lanes[0])
        fast, whole = await _both(lanes, _post(document, variables, {}))
        assert await _fast_total(lanes[0]) == before, variables
        assert _seen(fast) == _seen(whole), variables


async def test_budgets_charge_the_lane_and_refuse_in_it_as_before(
    data: synthetic.Synthetic, database: str, settings: Settings
) -> None:
    document = (OPERATIONS / "RelaysWithPosts.graphql").read_text(encoding="utf-8")
    send = _post(document, {"first": 2, "postsFirst": 2}, {})
    budget = {"rate_limit_cost": 40, "rate_limit_window_s": 3600}
    async with (
        _client(settings, **budget) as fast,
        _client(settings, fast_lane=False, **budget) as whole,
    ):
        answers = []
        while len(answers) < 10:
            pair = await _both((fast, whole), send)
            answers.append(pair)
            if pair[0].status_code == 429:
                break
        assert answers[-1][0].status_code == 429, "the budget never ran out"
        assert await _fast_total(fast) >= 1
        for fast_answer, whole_answer in answers:
            assert _seen(fast_answer) == _seen(whole_answer)

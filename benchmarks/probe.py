"""Each operation run once through the ASGI app in-process: its response and SQL statements.

Statements are counted the way the query-count tests count them: Tortoise logs every
statement at DEBUG on `tortoise.db_client`. The app runs with its real lifespan, so whatever
it sets up at start (Tortoise, the job engine, a response cache) is there as in production.
Cold is counted on both executors, planned and standard, which must answer byte for byte
alike: the two would otherwise not be measuring the same work.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import httpx
import orjson

from benchmarks.operations import Operation, Response, with_cursors
from graph.settings import Settings

CACHE_VARIABLE = "RESPONSE_CACHE"
CACHE_ENABLED = "graph_cache_enabled 1"


class OperationFailed(Exception):
    """The API answered an operation with an error: nothing about it is worth measuring."""


class ExecutorsDiffer(Exception):
    """Planned and standard execution answered an operation differently."""


@dataclass(frozen=True)
class Probe:
    """One operation's response body and how many statements a request ran: cold on the
    planned executor, cold on the standard one, and warm (a cache hit)."""

    body: bytes
    statements: int
    standard_statements: int | None = None
    warm_statements: int | None = None


class StatementCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        # Tortoise logs each statement as ("%s: %s", sql, params); other records are not.
        if record.msg == "%s: %s" and record.args:
            self.count += 1


@contextmanager
def counting() -> Iterator[StatementCounter]:
    """Count statements while the block runs, without printing them."""
    counter = StatementCounter()
    logger = logging.getLogger("tortoise.db_client")
    saved = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@asynccontextmanager
async def in_process(
    database_url: str, cache: bool, planned: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, started with its lifespan, the response cache on or off,
    queries run by the planner or field by field."""
    from graph.app import create_app

    saved = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = "true" if cache else "false"
    try:
        settings = Settings(
            database_url=database_url, load_demo_on_empty=False, planned_execution=planned
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                yield client
    finally:
        if saved is None:
            os.environ.pop(CACHE_VARIABLE, None)
        else:
            os.environ[CACHE_VARIABLE] = saved


async def send(client: httpx.AsyncClient, operation: Operation) -> tuple[bytes, Response]:
    """POST the operation; its body and decoded JSON, or OperationFailed."""
    response = await client.post(
        "/graphql", content=operation.payload(), headers={"content-type": "application/json"}
    )
    decoded: Response = orjson.loads(response.content) if response.content else {}
    if response.status_code != 200 or "errors" in decoded:
        raise OperationFailed(f"{operation.label}: HTTP {response.status_code} {decoded}")
    return response.content, decoded


async def wait_for_cache(client: httpx.AsyncClient, timeout_s: float = 10.0) -> bool:
    """Wait until the app says its response cache is on (it waits for its invalidation feed
    first); False when it never does, or has no cache to report on."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = await client.get("/metrics")
        if response.status_code == 404:
            return False
        if CACHE_ENABLED in response.text:
            return True
        await asyncio.sleep(0.1)
    return False


async def probe(
    database_url: str, operations: list[Operation]
) -> tuple[list[Operation], dict[str, Probe]]:
    """The operations (cursors filled in) and, per label, the response and statement counts:
    cold planned, cold standard, then warm after one priming request."""
    async with in_process(database_url, cache=False, planned=True) as client:

        async def ask(operation: Operation) -> Response:
            return (await send(client, operation))[1]

        operations = await with_cursors(operations, ask)
        planned = await _cold(client, operations)
    async with in_process(database_url, cache=False, planned=False) as client:
        standard = await _cold(client, operations)
    for label, (body, _) in planned.items():
        check_same(label, body, standard[label][0])
    probes: dict[str, Probe] = {}
    async with in_process(database_url, cache=True) as client:
        await wait_for_cache(client)
        for operation in operations:
            await send(client, operation)
            with counting() as counter:
                await send(client, operation)
            body, statements = planned[operation.label]
            standard_statements = standard[operation.label][1]
            probes[operation.label] = Probe(body, statements, standard_statements, counter.count)
    return operations, probes


async def _cold(
    client: httpx.AsyncClient, operations: list[Operation]
) -> dict[str, tuple[bytes, int]]:
    """Per label, the response body and the statements one uncached request ran."""
    answers: dict[str, tuple[bytes, int]] = {}
    for operation in operations:
        with counting() as counter:
            body, _ = await send(client, operation)
        answers[operation.label] = (body, counter.count)
    return answers


def check_same(label: str, planned: bytes, standard: bytes) -> None:
    """Raise ExecutorsDiffer, naming where, unless both executors gave the same bytes."""
    if planned == standard:
        return
    pairs = enumerate(zip(planned, standard, strict=False))
    shorter = min(len(planned), len(standard))  # where they differ when one ends early
    at = next((index for index, (one, other) in pairs if one != other), shorter)
    around = slice(max(at - 60, 0), at + 60)
    raise ExecutorsDiffer(
        f"{label}: planned and standard execution differ at byte {at}: "
        f"planned …{planned[around].decode(errors='replace')}…, "
        f"standard …{standard[around].decode(errors='replace')}…"
    )

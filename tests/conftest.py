"""Test harness: one migrated database with the demo relay per pytest run.

SQLite by default (a temporary file). With TEST_DATABASE_URL=psycopg://user@host:port/db the
same suite runs on PostgreSQL: a fresh database is created next to the one named, and dropped
at the end. Run each backend as its own pytest process (see notes/stack.md: Tortoise caches
the first backend's SQL per model).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from fixtures.clock import TestClock, stop_clock
from tortoise import Tortoise

from graph import db, models, subscribers, tokens
from graph.app import create_app
from graph.demo.load import load_demo
from graph.jobs import engine
from graph.migrate import migrate
from graph.settings import Settings

POSTGRES_TIMEOUT_S = 5

# Budgets are on by default with PostgreSQL; a test suite sends far more than a client should,
# so they are off here (and in the servers tests start) unless a test turns them on.
os.environ["RATE_LIMIT_COST"] = "0"
# A planner that raises must fail the test that reached it, not hide behind standard
# execution's right answer (README "Planned execution"): strict everywhere, servers included.
os.environ["PLANNER_STRICT"] = "true"

# The bench tests' tiny bench database (tests/fixtures/bench_db.py): a second conftest.py
# would shadow this module for every test module collected after it.
pytest_plugins = ["fixtures.bench_db"]


def _admin_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _postgres_admin(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(_admin_dsn(url), autocommit=True, connect_timeout=POSTGRES_TIMEOUT_S)
    except psycopg.OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL={url}: PostgreSQL is unreachable ({error})", returncode=3)


@contextmanager
def fresh_database(tmp_path_factory: pytest.TempPathFactory, prefix: str) -> Iterator[str]:
    """A new, empty database, dropped afterwards: a SQLite file, or on PostgreSQL (with
    TEST_DATABASE_URL) `<prefix>_<random>` next to the one named."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite://{tmp_path_factory.mktemp(prefix) / 'graph.sqlite3'}"
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    with _postgres_admin(base) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(base, name)
    finally:
        with _postgres_admin(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this run; SQLite unless TEST_DATABASE_URL says otherwise."""
    with fresh_database(tmp_path_factory, "graph_test") as url:
        yield url


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[str]:
    """The test database, migrated, with the demo relay loaded and Tortoise initialised."""
    await migrate(database_url)
    await db.init(database_url)
    # Jobs deferred by writes go where production puts them: on PostgreSQL into
    # procrastinate's table in the same transaction, on SQLite into the in-process queue.
    engine.configure(Settings(database_url=database_url))
    await engine.app.open_async()
    subscribers.register_all()  # as the app and the CLI do when they start
    await load_demo(Settings(database_url=database_url).max_body_chars)
    try:
        yield database_url
    finally:
        await engine.app.close_async()
        await Tortoise.close_connections()


@pytest.fixture
def stopped_clock(database: str) -> Iterator[TestClock]:
    """`graph.clock` stopped at the real time; the test moves it (and waiting jobs) on."""
    with stop_clock() as clock:
        yield clock


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database."""
    return Settings(database_url=database_url)


@pytest.fixture
async def client(database: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the ASGI app in-process (Tortoise set up by `database`)."""
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@dataclass
class GraphQL:
    """Posts GraphQL operations and returns the decoded JSON body."""

    http: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)

    async def __call__(self, document: str, /, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": document, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, document: str, /, **variables: Any) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self(document, **variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    """Run a GraphQL operation as an anonymous frontend would."""
    return GraphQL(client)


@pytest.fixture(scope="session")
async def editor_token(database: str) -> str:
    """An editor API token, created once per run."""
    return await tokens.create_token("test-editor", models.Role.EDITOR)


@pytest.fixture(scope="session")
async def admin_token(database: str) -> str:
    """An admin API token, created once per run."""
    return await tokens.create_token("test-admin", models.Role.ADMIN)


@pytest.fixture
def editor(client: httpx.AsyncClient, editor_token: str) -> GraphQL:
    """Run a GraphQL operation as an editor (Authorization: Bearer <editor token>)."""
    return GraphQL(client, {"Authorization": f"Bearer {editor_token}"})


@pytest.fixture
def admin(client: httpx.AsyncClient, admin_token: str) -> GraphQL:
    """Run a GraphQL operation with an admin token."""
    return GraphQL(client, {"Authorization": f"Bearer {admin_token}"})


class StatementCounter(logging.Handler):
    """Counts SQL statements Tortoise sends (it logs each one at DEBUG on tortoise.db_client)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and record.args:
            self.statements.append(str(record.args[0]))


@pytest.fixture
def sql_statements() -> Iterator[StatementCounter]:
    """Collects the SQL statements run while the test is active."""
    counter = StatementCounter()
    logger = logging.getLogger("tortoise.db_client")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The checkout's top folder."""
    return Path(__file__).resolve().parents[1]

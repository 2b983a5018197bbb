"""`graph serve` as a real process: GraphQL over GET and POST, health, request ids."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fixtures.pricing import cost_extension
from fixtures.processes import serving

SERVER_APPLICATION_NAME = "graph-serve-under-test"


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the server process writes its log."""
    return tmp_path_factory.mktemp("serve") / "serve.log"


@pytest.fixture(scope="module")
def server(database: str, database_url: str, server_log: Path) -> Iterator[str]:
    """A `graph serve` process on the test database; its base URL."""
    # A short pool timeout, so requests during a database outage fail in seconds, not 30.
    # application_name lets the outage below cut only the server's connections, not the
    # in-process test pool's.
    url = database_url
    if database_url.startswith("psycopg"):
        url = f"{database_url}?timeout=3&application_name={SERVER_APPLICATION_NAME}"
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    with serving(env, server_log) as base:
        yield base


QUERY = '{ post(slug: "politi-med-bloed-hat") { title leg } }'
EXPECTED: dict[str, Any] = {
    "data": {"post": {"title": "Politi med blød hat", "leg": 2}},
    "extensions": cost_extension(QUERY),
}


def test_post_query(server: str) -> None:
    response = httpx.post(f"{server}/graphql", json={"query": QUERY})
    assert response.json() == EXPECTED


def test_get_query(server: str) -> None:
    response = httpx.get(f"{server}/graphql", params={"query": QUERY})
    assert response.json() == EXPECTED


def test_get_cannot_run_a_mutation(server: str) -> None:
    response = httpx.get(f"{server}/graphql", params={"query": "mutation { x }"})
    assert response.status_code in (400, 405)


def test_graphiql_for_a_browser(server: str) -> None:
    response = httpx.get(f"{server}/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_health_and_request_id(server: str) -> None:
    response = httpx.get(f"{server}/healthz", headers={"x-request-id": "abc123"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert response.headers["x-request-id"] == "abc123"
    generated = httpx.get(f"{server}/healthz").headers["x-request-id"]
    assert len(generated) == 16


@contextmanager
def postgres_refusing_connections(database_url: str) -> Iterator[None]:
    """The test database refuses new connections and drops the server's while inside."""
    if not database_url.startswith("psycopg"):
        pytest.skip("a SQLite file cannot be taken down from outside the process")
    name = database_url.rsplit("/", 1)[1]
    admin_url = os.environ["TEST_DATABASE_URL"].replace("psycopg://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [name, SERVER_APPLICATION_NAME],
        )
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_health_is_503_while_postgres_refuses_connections(server: str, database_url: str) -> None:
    with postgres_refusing_connections(database_url):
        down = httpx.get(f"{server}/healthz", timeout=10)
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "database": "down"}
    assert httpx.get(f"{server}/healthz", timeout=15).status_code == 200


def test_database_failure_is_masked_for_clients_and_logged_with_request_id(
    server: str, database_url: str, server_log: Path
) -> None:
    with postgres_refusing_connections(database_url):
        response = httpx.post(
            f"{server}/graphql",
            json={"query": '{ relay(slug: "lederskabs-stafetten") { title } }'},
            headers={"x-request-id": "req-masked-1"},
            timeout=60,
        )
    body = response.json()
    # Masked as what it is, so a client knows to retry; no driver text reaches it.
    assert [error["message"] for error in body["errors"]] == [
        "The database is unreachable; try again shortly."
    ]
    assert "psycopg" not in response.text and "SELECT" not in response.text
    logged = [line for line in server_log.read_text().splitlines() if "[req-masked-1]" in line]
    assert logged, "the failure was not logged with its request id"

"""Schemathesis against a real `graph serve`: generated queries and mutations, anonymous and
with an editor token, never get a 5xx or "Unexpected error.".

The server gets a database of its own (a fresh SQLite file, or a fresh PostgreSQL database
next to the test one), so what the generated mutations create cannot disturb other tests.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from conftest import fresh_database
from fixtures.processes import serving, token_for
from hypothesis import HealthCheck, settings
from schemathesis import Case

from graph.budget.cost import BYTES_PER_UNIT

SCHEMA = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"
# Cases per root field and caller: 42 fields, 2 callers, up to ~500 cases per database in
# every run; FUZZ_EXAMPLES=100 (README, "Fuzzing") is the longer run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))

schema = schemathesis.graphql.from_path(SCHEMA)


@pytest.fixture(scope="module")
def fuzz_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database for the server under test; `graph serve` migrates it and loads the demo."""
    with fresh_database(tmp_path_factory, "graph_fuzz") as url:
        yield url


@pytest.fixture(scope="module")
def fuzz_server(fuzz_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`graph serve` on its own database; its /graphql URL."""
    log = tmp_path_factory.mktemp("fuzz-serve") / "serve.log"
    env = {**os.environ, "DATABASE_URL": fuzz_database, "LOG_LEVEL": "WARNING"}
    with serving(env, log) as base:
        yield f"{base}/graphql"


@pytest.fixture(scope="module")
def fuzz_editor(fuzz_server: str, fuzz_database: str) -> str:
    """An editor token on the server's database."""
    return token_for(fuzz_database, "fuzz")


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gets_a_server_error(
    case: Case, caller: str, fuzz_server: str, fuzz_editor: str
) -> None:
    headers = {"Authorization": f"Bearer {fuzz_editor}"} if caller == "editor" else {}
    response = case.call(base_url=fuzz_server, headers=headers, timeout=30)
    assert response.status_code < 500, response.text
    assert "Unexpected error." not in response.text, case.body
    # README, "Bounded queries": an answer never takes more than its cost x 1 KiB.
    cost = priced(response.content)
    if cost is not None:
        assert len(response.content) <= cost * BYTES_PER_UNIT, (cost, case.body)


def priced(content: bytes) -> int | None:
    """The cost an answer reports, if it is a JSON object that reports one."""
    try:
        decoded = json.loads(content)
    except ValueError:
        return None
    if not isinstance(decoded, dict):
        return None
    cost = (decoded.get("extensions") or {}).get("cost") or {}
    requested = cost.get("requested")
    return requested if isinstance(requested, int) else None

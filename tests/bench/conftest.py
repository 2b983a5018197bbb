"""Fixtures of the bench tests: a tiny bench database made as a user makes one, dropped at
the end of the module that asked for it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from graph.bench import database
from graph.jobs.engine import libpq_url

ROOT = Path(__file__).resolve().parents[2]


def generate(server: str, name: str) -> subprocess.CompletedProcess[str]:
    """`graph bench --size tiny --generate-only` in its own process, as a user runs it."""
    command = [sys.executable, "-m", "graph", "bench", "--size", "tiny", "--generate-only"]
    return subprocess.run(
        [*command, "--server", server, "--database", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def generate_tiny() -> Callable[[str, str], subprocess.CompletedProcess[str]]:
    """`generate`, for tests that make a bench database again."""
    return generate


@pytest.fixture(scope="module")
def server_url() -> str:
    return os.environ["TEST_DATABASE_URL"]


@pytest.fixture(scope="module")
def bench_name(server_url: str) -> Iterator[str]:
    """A tiny bench database of its own, dropped at the end."""
    name = f"graph_bench_test_{secrets.token_hex(4)}"
    try:
        made = generate(server_url, name)
        assert made.returncode == 0, made.stdout + made.stderr
        yield name
    finally:
        with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module")
def bench_url(server_url: str, bench_name: str) -> str:
    return database.database_url(server_url, bench_name)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-servers")

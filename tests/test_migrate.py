"""`graph migrate` on a fresh database: the content tables, and on PostgreSQL the job tables."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import psycopg
import pytest
from conftest import fresh_database

from graph.db import libpq_url

MIGRATE_WITHIN_S = 120


def _migrate(database_url: str) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "graph", "migrate"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=MIGRATE_WITHIN_S,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]


def _tables(database_url: str, names: list[str]) -> dict[str, bool]:
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite://"))) as connection:
            query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
            return {
                name: connection.execute(query, [name]).fetchone() is not None for name in names
            }
    with psycopg.connect(libpq_url(database_url)) as connection:
        query = "SELECT to_regclass(%s) IS NOT NULL"
        return {name: connection.execute(query, [name]).fetchone() == (True,) for name in names}


def test_a_fresh_database_gets_every_table_once(tmp_path_factory: pytest.TempPathFactory) -> None:
    with fresh_database(tmp_path_factory, "graph_migrate") as url:
        _migrate(url)
        _migrate(url)  # a second run finds nothing to do, and says so by succeeding
        postgres = not url.startswith("sqlite")
        tables = _tables(url, ["relay", "post", "procrastinate_jobs"])
    # On SQLite the jobs run in-process from memory: no table for them.
    assert tables == {"relay": True, "post": True, "procrastinate_jobs": postgres}

"""The `graph` command as a process: a failure ends it with the error, not a hang."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

# Seconds: a failing migration reports within a few; before the fix the process never ended.
EXIT_WITHIN_S = 60


def test_migrate_that_fails_reports_and_exits(tmp_path: Path) -> None:
    database = tmp_path / "graph.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE relay (x INTEGER)")  # the first migration makes it
    connection.close()
    finished = subprocess.run(
        [sys.executable, "-m", "graph", "migrate"],
        env={**os.environ, "DATABASE_URL": f"sqlite://{database}"},
        capture_output=True,
        text=True,
        timeout=EXIT_WITHIN_S,
    )
    assert finished.returncode != 0
    assert 'table "relay" already exists' in finished.stderr


OPERATIONS = Path(__file__).resolve().parents[1] / "schema" / "operations"


def _show_sql(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph", "show-sql", *arguments],
        capture_output=True,
        text=True,
        timeout=EXIT_WITHIN_S,
    )


def test_show_sql_prints_a_named_operations_one_statement_without_a_database() -> None:
    shown = _show_sql(str(OPERATIONS / "PostPage.graphql"), "--variables", '{"slug": "x"}')
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("SELECT json_build_object('post',")
    assert "\n  FROM\n" in shown.stdout  # laid out by nesting
    assert shown.stdout.rstrip().endswith("-- parameters: {'p0': 'x', 'p1': 'x'}")


def test_show_sql_says_when_a_document_is_not_compiled() -> None:
    shown = _show_sql(str(OPERATIONS / "Search.graphql"), "--variables", '{"query": "ledelse"}')
    assert shown.returncode != 0
    assert "planned, but not compiled" in shown.stderr

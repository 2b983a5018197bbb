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

"""Where a run happened: CPU, cores, memory, PostgreSQL, date, commit and the command."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

from graph.db import libpq_url

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Machine:
    """The facts a reader needs to compare one run with another."""

    cpu: str
    cores: int
    memory_gib: float
    postgres: str
    python: str
    date: str
    commit: str
    command: str

    def lines(self) -> list[str]:
        """One `- key: value` line per fact, for Markdown."""
        return [
            f"- CPU: {self.cpu}, {self.cores} cores",
            f"- RAM: {self.memory_gib:.0f} GiB",
            f"- PostgreSQL: {self.postgres}",
            f"- Python: {self.python}",
            f"- Date: {self.date}",
            f"- Commit: {self.commit}",
            f"- Command: `{self.command}`",
        ]


def describe(database_url: str, command: list[str]) -> Machine:
    """This machine, the PostgreSQL server at `database_url`, and the command as typed."""
    return Machine(
        cpu=_cpu(),
        cores=os.cpu_count() or 0,
        memory_gib=_memory_kb() / 1024 / 1024,
        postgres=_postgres(database_url),
        python=platform.python_version(),
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        commit=_commit(),
        command=shlex.join(command),
    )


def invoked_command(argv: list[str] | None = None) -> list[str]:
    """The command line as a user types it: `graph bench …`, however Python was started."""
    arguments = list(sys.argv if argv is None else argv)
    return ["graph", *arguments[1:]]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_kb() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _postgres(database_url: str) -> str:
    with psycopg.connect(libpq_url(database_url)) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return "unknown" if row is None else str(row[0])


def _commit() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit} (with uncommitted changes)" if dirty else commit

"""Real `graph serve` processes, each on its own SQLite file, for the editors' scripts.

The servers never use the session's test database (SQLite or PostgreSQL): the scripts talk
HTTP to a server of their own, so these tests run the same under either TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fixtures.processes import serving

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_TIMEOUT_S = 120
MODULES = {
    "push-post": "push",
    "import-relay": "imports",
    "export-relay": "export",
    "graphql": "run",
}


@dataclass(frozen=True)
class Server:
    """A running server: its GraphQL URL and an editor token for it."""

    url: str
    token: str

    def env(self, token: bool = True) -> dict[str, str]:
        """The environment the scripts read: GRAPH_URL, and GRAPH_TOKEN unless told not to."""
        env = {**os.environ, "GRAPH_URL": self.url, "GRAPH_TOKEN": self.token if token else ""}
        return env

    def response(self, document: str, token: bool = True, **variables: Any) -> dict[str, Any]:
        """The JSON response to a GraphQL document."""
        headers = {"Authorization": f"Bearer {self.token}"} if token else {}
        answer = httpx.post(
            self.url, json={"query": document, "variables": variables}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def data(self, document: str, token: bool = True, **variables: Any) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = self.response(document, token, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def run(
        self, script: str, *args: str | Path, cwd: Path | None = None, token: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run one of the scripts' modules (`python -m graph.client.…`) against this server."""
        command = [sys.executable, "-m", f"graph.client.{MODULES[script]}", *map(str, args)]
        return self._run(command, cwd, token)

    def run_wrapper(
        self, script: str, *args: str | Path, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the bash wrapper in scripts/, as an editor would."""
        return self._run([str(ROOT / "scripts" / script), *map(str, args)], cwd, True)

    def _run(
        self, command: list[str], cwd: Path | None, token: bool
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=cwd,
            env=self.env(token),
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_S,
            check=False,
        )


@contextmanager
def running_server(folder: Path, demo: bool) -> Iterator[Server]:
    """Migrate a fresh SQLite file, make an editor token, serve; stop the server afterwards."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{folder / 'graph.sqlite3'}",
        "LOAD_DEMO_ON_EMPTY": "true" if demo else "false",
        "LOG_LEVEL": "WARNING",
    }
    python = [sys.executable, "-m", "graph"]
    created = subprocess.run(
        [*python, "token", "create", "--name", "editor", "--role", "editor"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    with serving(env, folder / "serve.log", cwd=folder) as base:
        yield Server(f"{base}/graphql", token)


def write_post(folder: Path, name: str, front_matter: str, body: str = "Brødtekst.") -> Path:
    """A post file with this front matter (YAML text) and body."""
    path = folder / name
    path.write_text(f"---\n{front_matter.strip()}\n---\n\n{body}\n", encoding="utf-8")
    return path

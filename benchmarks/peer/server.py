"""PostGraphile as a running server: started, ready once its schema is built, stopped.

It listens before it has read the database, and a schema it failed to build (an unreachable
database, say) is not retried: every request then gets "Unknown error occurred" while the
reason is only in its log. So it is ready when it answers `{ __typename }`, and a first
answer with errors stops the run with its log.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

from benchmarks import servers
from benchmarks.peer import install

READY = orjson.dumps({"query": "{ __typename }"})
JSON = {"content-type": "application/json"}
# Production mode, said outright: without it PostGraphile warns, and development mode checks
# more on every request.
ENV = {"GRAPHILE_ENV": "production"}


@contextmanager
def running(database_url: str, where: Path, logs: Path) -> Iterator[servers.Server]:
    """PostGraphile (installed in `where`) on the database, until the block ends."""
    command = install.command(where, database_url)
    with servers.running("peer", command, ENV, "/graphql", 1, logs) as server:
        _wait_for_schema(server)
        yield server


def _wait_for_schema(server: servers.Server) -> None:
    deadline = time.monotonic() + servers.START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            response = httpx.post(
                f"{server.base_url}/graphql", content=READY, headers=JSON, timeout=10
            )
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        answer = orjson.loads(response.content) if response.content else {}
        if (answer.get("data") or {}).get("__typename") == "Query":
            return
        raise servers.ServerFailed(
            f"PostGraphile answered {response.status_code} {answer} (see {server.log}):\n"
            + server.log.read_text(errors="replace")[-3000:]
        )
    raise servers.ServerFailed(
        f"PostGraphile built no schema within {servers.START_TIMEOUT_S:.0f} s; see {server.log}"
    )

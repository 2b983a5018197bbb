"""One bench run: the probes, then up to seven servers one after another, each driven by wrk.

The servers never run together, and all use the same data: the DB floor first (its answers
are checked against the API's before it is measured), then the HTTP floor, then
`graph serve` cold (RESPONSE_CACHE=false) on the planned executor (PLANNED_EXECUTION=true),
the same server asked one request at a time (`single`: wrk with one connection, the latency
a lone reader sees), cold again on the standard, field-by-field executor
(PLANNED_EXECUTION=false), warm (RESPONSE_CACHE=true, planned, each operation primed
first), and, when asked for, the peer: PostGraphile 5 on the same database, its answers
checked against ours first (see `benchmarks.peer`).

Every run also reads the CPU time its server's processes used during the measured wrk run
from /proc, per request completed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg

from benchmarks import probe as probing
from benchmarks import servers, wrk
from benchmarks.operations import Operation
from benchmarks.peer import answers as peer_answers
from benchmarks.peer import install as peer_install
from benchmarks.peer import server as peer_server
from benchmarks.peer.documents import peer_version
from benchmarks.probe import CACHE_ENABLED
from benchmarks.report import Measurement, OperationResult
from graph.db import libpq_url

HTTP_FLOOR_APP = "benchmarks.http_floor:create_app"
DB_FLOOR_APP = "benchmarks.db_floor:create_app"
RUNS = ("db_floor", "http_floor", "cold", "single", "standard", "warm", "peer")
# The peer needs npm (once) and minutes more: measured when asked for, and when publishing.
DEFAULT_RUNS = tuple(run for run in RUNS if run != "peer")
# The `single` run's load: one request at a time, for the plan's duration.
SINGLE = wrk.Load(connections=1, threads=1)
CACHE_READY_TIMEOUT_S = 20.0
JSON = {"content-type": "application/json"}

Say = Callable[[str], None]


class FloorMismatch(Exception):
    """The DB floor answered differently from the API: its figures would mean nothing."""


@dataclass(frozen=True)
class Plan:
    """What to run it on and how hard."""

    database_url: str
    workers: int
    load: wrk.Load
    warmup_s: float
    output: Path
    runs: tuple[str, ...] = DEFAULT_RUNS
    # Where PostGraphile is installed, for the peer run.
    peer_folder: Path | None = None


@dataclass
class Bench:
    """A run in progress: the operations, what the probes saw, and what has been measured."""

    plan: Plan
    operations: list[Operation]
    probes: dict[str, probing.Probe]
    results: dict[str, OperationResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for operation in self.operations:
            self.results[operation.label] = OperationResult(
                operation.label,
                operation.name,
                operation.variables,
                len(self.probes[operation.label].body),
            )

    def sql_per_request(self, run: str, label: str) -> int | None:
        """Statements one request runs: counted in-process for the API, known for the floors,
        not known for the peer."""
        if run == "peer":
            return None
        probe = self.probes[label]
        counts = {
            "cold": probe.statements,
            "single": probe.statements,
            "standard": probe.standard_statements,
            "warm": probe.warm_statements,
            "db_floor": 1,
        }
        return counts.get(run) or 0


def start(plan: Plan, operations: list[Operation]) -> Bench:
    """Probe every operation in-process (responses, SQL counts, cursors): the run's baseline."""
    operations, probes = asyncio.run(probing.probe(plan.database_url, operations))
    return Bench(plan, operations, probes)


def measure(bench: Bench, say: Say = print) -> list[OperationResult]:
    """Measure every operation on every server in the plan, a fresh server for each."""
    for run in bench.plan.runs:
        say(_run_line(bench.plan, run))
        for index, operation in enumerate(bench.operations):
            sent = peer_version(operation) if run == "peer" else operation
            if sent is None:
                continue  # the peer cannot express it
            if operation.without and run not in ("cold", "peer"):
                continue  # ours cut to the peer's fields: only compared with the peer
            # A fresh server per operation: its peak memory is that operation's alone, and
            # nothing one operation left behind (queues, caches) reaches the next.
            with _server(bench, run) as server:
                if run == "db_floor":
                    check_floor(bench, server, operation)
                if run == "peer":
                    sent = check_peer(bench, server, sent)
                if run == "warm":
                    _prime(bench, server, operation, say)
                measured = _measure_one(bench, server, run, index, sent)
            bench.results[operation.label].runs[run] = measured
            say(_progress_line(run, operation.label, measured))
    return list(bench.results.values())


def _run_line(plan: Plan, run: str) -> str:
    if run == "peer" and plan.peer_folder is not None:
        described = peer_install.describe(plan.peer_folder)
        return f"peer: a fresh {described} (one process) per operation it can express"
    return f"{run}: a fresh server with {plan.workers} worker(s) per operation"


def _progress_line(run: str, label: str, measured: Measurement) -> str:
    errors = f"  {measured.errors} errors!" if measured.errors else ""
    if measured.p50_ms is None or measured.p99_ms is None:
        return f"  {run:<10} {label:<18} no request finished within the run{errors}"
    return (
        f"  {run:<10} {label:<18} {measured.requests_per_s:>9,.0f} req/s  "
        f"p50 {measured.p50_ms:7.1f} ms  p99 {measured.p99_ms:7.1f} ms{errors}"
    )


@contextmanager
def _server(bench: Bench, run: str) -> Iterator[servers.Server]:
    plan = bench.plan
    if run == "peer":
        where = plan.peer_folder or peer_install.ensure()
        with peer_server.running(plan.database_url, where, plan.output / "logs") as server:
            yield server
        return
    logs, workers = plan.output / "logs", str(plan.workers)
    quiet = ["--log-level", "warning", "--no-access-log", "--workers", workers]
    if run == "db_floor":
        command = servers.python_command("-m", "uvicorn", DB_FLOOR_APP, "--factory", *quiet)
        env = {"DATABASE_URL": plan.database_url}
        ready = "/graphql"
    elif run == "http_floor":
        command = servers.python_command("-m", "uvicorn", HTTP_FLOOR_APP, "--factory", *quiet)
        env = {"BENCH_RESPONSES": str(_write_responses(bench))}
        ready = "/floor/0"
    else:
        command = servers.python_command("-m", "graph", "serve", "--workers", workers)
        env = {
            "DATABASE_URL": plan.database_url,
            "LOAD_DEMO_ON_EMPTY": "false",
            "LOG_LEVEL": "WARNING",
            "RESPONSE_CACHE": "true" if run == "warm" else "false",
            # Explicit, so neither the bench's own environment nor a changed default decides
            # which executor a run measures.
            "PLANNED_EXECUTION": "false" if run == "standard" else "true",
            # wrk is one client sending far more than any client should: no budget applies.
            "RATE_LIMIT_COST": "0",
        }
        ready = "/healthz"
    with servers.running(run, command, env, ready, plan.workers, logs) as server:
        yield server


def _write_responses(bench: Bench) -> Path:
    path = bench.plan.output / "responses.json"
    bodies = [bench.probes[operation.label].body.decode() for operation in bench.operations]
    path.write_bytes(orjson.dumps(bodies))
    return path


def _target(server: servers.Server, run: str, index: int) -> str:
    return (
        f"{server.base_url}/floor/{index}" if run == "http_floor" else f"{server.base_url}/graphql"
    )


def _measure_one(
    bench: Bench, server: servers.Server, run: str, index: int, operation: Operation
) -> Measurement:
    plan, url, body = bench.plan, _target(server, run, index), operation.payload()
    work, log = plan.output / "wrk", plan.output / "logs" / "wrk.log"
    load = plan.load
    if run == "single":
        load = replace(SINGLE, duration_s=plan.load.duration_s)
    if not server.reset_peak_memory():
        bench.notes.append("peak RSS could not be reset per operation: it is the run's peak")
    _settle(bench, server)  # a server stopped before may have left queries running
    if plan.warmup_s > 0:
        warmup = replace(load, duration_s=plan.warmup_s)
        wrk.run(url, body, warmup, work, log)
        _settle(bench, server)
    cpu_before = server.cpu_seconds()
    result = wrk.run(url, body, load, work, log)
    cpu = servers.cpu_ms_per_request(server.cpu_seconds() - cpu_before, result.requests)
    peak = server.peak_memory_mb()
    if result.errors:
        bench.notes.append(
            f"{operation.label}, {run}: {result.errors} of {result.requests} answers were "
            "errors (see logs/wrk.log and the server's log)"
        )
    if result.requests == 0:
        bench.notes.append(
            f"{operation.label}, {run}: no request finished within {load.duration_s:g} s "
            f"at {load.connections} connection(s) (each took longer than the run)"
        )
    _settle(bench, server)
    return Measurement(
        requests_per_s=result.requests_per_s,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        errors=result.errors,
        peak_rss_mb=peak,
        sql_per_request=bench.sql_per_request(run, operation.label),
        cpu_ms_per_request=cpu,
    )


def _settle(bench: Bench, server: servers.Server) -> None:
    """Wait until the server and the database have worked off what the last run sent."""
    busy = f"still busy {servers.IDLE_TIMEOUT_S:.0f} s after a run: the next figures suffer"
    if not server.wait_until_idle():
        bench.notes.append(f"{server.name} was {busy}")
    if not _database_idle(bench.plan.database_url):
        bench.notes.append(f"the database was {busy}")


ACTIVE_QUERIES = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
"""


def _database_idle(database_url: str) -> bool:
    """Wait until no statement runs in the bench database: a server that is gone, or that
    waits on PostgreSQL, looks idle while the queries it sent still run."""
    deadline = time.monotonic() + servers.IDLE_TIMEOUT_S
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute(ACTIVE_QUERIES).fetchone()
            if row is not None and row[0] == 0:
                return True
            time.sleep(servers.IDLE_SAMPLE_S)
    return False


def check_floor(bench: Bench, server: servers.Server, operation: Operation) -> None:
    """The DB floor's answer must equal the API's for the same request, or nothing is measured."""
    response = httpx.post(
        f"{server.base_url}/graphql", content=operation.payload(), headers=JSON, timeout=30
    )
    got = orjson.loads(response.content)
    want = floor_part(orjson.loads(bench.probes[operation.label].body))
    if got != want:
        raise FloorMismatch(f"{operation.label}: {first_difference(want, got)}")


def check_peer(bench: Bench, server: servers.Server, operation: Operation) -> Operation:
    """The peer's request, with its own cursor, once its answer equals the API's on the fields
    both ask (PeerDiffers otherwise): nothing is measured before."""
    ours = bench.probes[operation.label].body
    return asyncio.run(peer_answers.prepare(server.base_url, operation, ours))


def floor_part(answer: dict[str, Any]) -> dict[str, Any]:
    """What the DB floor must answer alike: the API's answer without `extensions` (the API
    prices each operation, ~50 bytes; the floor only fetches and shapes the data)."""
    return {key: value for key, value in answer.items() if key != "extensions"}


def first_difference(want: Any, got: Any, path: str = "") -> str:
    """Where two JSON values first differ, as `path: API … floor …`."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in sorted(set(want) | set(got)):
            if want.get(key, ...) != got.get(key, ...):
                return first_difference(want.get(key), got.get(key), f"{path}.{key}")
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for index, (one, other) in enumerate(zip(want, got, strict=True)):
            if one != other:
                return first_difference(one, other, f"{path}[{index}]")
    return f"{path or '.'}: API {str(want)[:200]!r}, floor {str(got)[:200]!r}"


def _prime(bench: Bench, server: servers.Server, operation: Operation, say: Say) -> None:
    """Wait until every worker's cache listens for invalidations, then ask the operation."""
    if not _cache_ready(server, bench.plan.workers):
        note = "the warm server reported no enabled response cache: warm equals cold"
        if note not in bench.notes:
            say(f"  note: {note}")
        bench.notes.append(note)
    # A fresh connection per request, so each worker's cache sees the operation.
    for _ in range(2 * bench.plan.workers):
        httpx.post(
            f"{server.base_url}/graphql", content=operation.payload(), headers=JSON, timeout=30
        )


def _cache_ready(server: servers.Server, workers: int) -> bool:
    """True once /metrics has said the cache is enabled on enough fresh connections in a row
    that every worker has very likely answered; False if it never says so."""
    deadline, in_a_row = time.monotonic() + CACHE_READY_TIMEOUT_S, 0
    while time.monotonic() < deadline and in_a_row < 4 * workers:
        response = httpx.get(f"{server.base_url}/metrics", timeout=5)
        if response.status_code == 404:
            return False
        in_a_row = in_a_row + 1 if CACHE_ENABLED in response.text else 0
        if not in_a_row:
            time.sleep(0.2)
    return in_a_row >= 4 * workers

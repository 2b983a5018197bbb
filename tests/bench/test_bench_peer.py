"""The peer on a tiny bench database: `graph bench` installs or finds PostGraphile, checks its
answers against ours and reads our cold figures against its own; a wrong answer or a peer that
cannot start stops the run with the reason.

Skipped, with the reason, when PostGraphile is not installed and npm cannot install it (no npm,
no registry): the install is bounded by a timeout, so nothing hangs.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import psycopg
import pytest

from benchmarks import database, operations, servers
from benchmarks.peer import answers, install
from benchmarks.peer import server as peer_server
from benchmarks.peer.documents import PEER_DOCUMENTS, peer_version
from graph.db import libpq_url

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="the bench and its peer are PostgreSQL-only: set TEST_DATABASE_URL",
)

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT_S = 240.0
RUN_TIMEOUT_S = 600
# Measured against the peer: RelayPage and PostPage cut to the peer's fields.
EXPRESSED = [
    operations.PEERS_RELAY_PAGE,
    "RelaysWithPosts",
    operations.PEERS_POST_PAGE,
    operations.CATEGORY_LABEL,
    "AuthorPage",
]
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def peer_folder() -> Path:
    """PostGraphile's install folder, installed first when needed; skipped when it cannot be."""
    try:
        return install.ensure(say=lambda _: None, timeout_s=INSTALL_TIMEOUT_S)
    except install.PeerUnavailable as error:
        pytest.skip(f"PostGraphile is not installed and could not be: {error}")


@pytest.fixture(scope="module")
def bench_run(
    server_url: str, bench_name: str, peer_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, dict[str, object]]]:
    """`graph bench` with the cold and peer runs, briefly: what it printed, and its results."""
    output = tmp_path_factory.mktemp("peer-run")
    labels = ",".join([*EXPRESSED, "OrganizationPage"])
    command = [
        sys.executable, "-m", "graph", "bench", "--size", "tiny", "--server", server_url,
        "--database", bench_name, "--runs", "cold,peer", "--operations", labels,
        "--duration", "1", "--warmup", "0", "--connections", "4", "--threads", "1",
        "--output", str(output),
    ]  # fmt: skip
    env = {**os.environ, install.FOLDER_VARIABLE: str(peer_folder)}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = orjson.loads((output / "tiny.json").read_bytes())["results"]
    return done.stdout, {result["label"]: result["runs"] for result in results}


def test_the_peer_answers_what_it_can_express_and_is_measured(
    bench_run: tuple[str, dict[str, dict[str, object]]],
) -> None:
    _, runs = bench_run
    assert {label for label, measured in runs.items() if "peer" in measured} == set(EXPRESSED)
    for label in EXPRESSED:
        peer = runs[label]["peer"]
        assert isinstance(peer, dict)
        assert peer["requests_per_s"] > 0 and peer["errors"] == 0
        assert peer["cpu_ms_per_request"] > 0


def test_the_printed_report_reads_cold_against_the_peer(
    bench_run: tuple[str, dict[str, dict[str, object]]],
) -> None:
    printed, _ = bench_run
    against = printed.split("Cold ÷ peer (PostGraphile;", 1)[1].split("\n\n", 1)[0]
    for label in EXPRESSED:
        assert any(line.startswith(label) for line in against.splitlines()), label
    assert "The peer cannot express OrganizationPage" in against
    assert "Issue 15 targets (targets are for M; this run is tiny):" in printed


@pytest.fixture(scope="module")
def peer(bench_url: str, peer_folder: Path, logs: Path) -> Iterator[str]:
    with peer_server.running(bench_url, peer_folder, logs) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def api(bench_url: str, logs: Path) -> Iterator[str]:
    command = servers.python_command("-m", "graph", "serve", "--workers", "1")
    env = {"DATABASE_URL": bench_url, "LOAD_DEMO_ON_EMPTY": "false", "RESPONSE_CACHE": "false"}
    with servers.running("api", command, env, "/healthz", 1, logs) as server:
        yield server.base_url


def test_the_check_passes_on_real_answers_and_stops_on_another_title(
    bench_url: str, api: str, peer: str
) -> None:
    meta = database.read_meta(bench_url)
    assert meta is not None
    picked = operations.pick(bench_url, meta)
    post_page = next(op for op in picked if op.label == operations.PEERS_POST_PAGE)
    ours = httpx.post(f"{api}/graphql", content=post_page.payload(), headers=JSON).content
    version = peer_version(post_page)
    assert version is not None and "PostPage" in PEER_DOCUMENTS
    asyncio.run(answers.prepare(peer, version, ours))  # alike: passes
    retitled = orjson.loads(ours)
    retitled["data"]["post"]["title"] = "Another title"
    expected = re.escape(f"{operations.PEERS_POST_PAGE}: post.title: ours '\"Another")
    with pytest.raises(answers.PeerDiffers, match=expected):
        asyncio.run(answers.prepare(peer, version, orjson.dumps(retitled)))


def test_a_peer_without_its_database_stops_with_the_reason(
    server_url: str, peer_folder: Path, tmp_path: Path
) -> None:
    missing = database.database_url(server_url, "graph_bench_no_such_database")
    with psycopg.connect(libpq_url(server_url)) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'graph_bench_no_such_database'"
        ).fetchone()
    assert row is None
    with (
        pytest.raises(servers.ServerFailed, match="does not exist"),
        peer_server.running(missing, peer_folder, tmp_path),
    ):
        pass

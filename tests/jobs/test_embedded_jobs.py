"""The embedded mode: `graph serve` on SQLite runs jobs itself and forgets none on restart."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fixtures.processes import serving

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the embedded mode is SQLite's; this test makes its own SQLite file",
)

RELAY = "lederskabs-stafetten"  # the demo relay
CREATE = """mutation ($relay: String!, $title: String!) {
  created: createPost(input: {relay: $relay, title: $title, body: "Tekst."}) {
    ... on Post { id version slug } }
}"""
PUBLISH_AT = """mutation ($id: ID!, $version: Int!, $at: DateTime!) {
  schedulePost(input: {id: $id, expectedVersion: $version, publishAt: $at}) {
    __typename ... on Post { status } }
}"""
PUBLIC = "query ($slug: String!) { post(slug: $slug) { status publishedAt } }"


def graphql(base: str, document: str, token: str | None = None, **variables: object) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql", json={"query": document, "variables": variables}, headers=headers
    )
    body: dict = response.json()
    assert "errors" not in body, body
    return body["data"]


def schedule(base: str, token: str, title: str, at: dt.datetime) -> str:
    created = graphql(base, CREATE, token, relay=RELAY, title=title)["created"]
    result = graphql(
        base, PUBLISH_AT, token, id=created["id"], version=created["version"], at=at.isoformat()
    )
    assert result["schedulePost"]["status"] == "SCHEDULED", result
    slug: str = created["slug"]
    return slug


def wait_until_public(base: str, slug: str, timeout_s: float = 15) -> dt.datetime:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if graphql(base, PUBLIC, slug=slug)["post"] is not None:
            return dt.datetime.now(dt.UTC)
        time.sleep(0.1)
    raise AssertionError(f"{slug} was not published within {timeout_s} s")


def test_serve_publishes_on_time_and_catches_up_after_a_restart(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'graph.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        "WORKER_POLL_S": "0.2",
    }
    subprocess.run(
        [sys.executable, "-m", "graph", "load-demo"], env=env, check=True, capture_output=True
    )
    made = subprocess.run(
        [sys.executable, "-m", "graph", "token", "create", "--name", "t", "--role", "editor"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = made.stdout.strip()

    with serving(env, tmp_path / "first.log") as base:
        on_time_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
        on_time = schedule(base, token, "Til tiden", on_time_at)
        assert wait_until_public(base, on_time) - on_time_at < dt.timedelta(seconds=5)
        missed_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
        missed = schedule(base, token, "Mens serveren sov", missed_at)

    # The server stopped before the time: its in-memory job went with it.
    time.sleep(max(0.0, (missed_at - dt.datetime.now(dt.UTC)).total_seconds()) + 0.5)
    assert _status(tmp_path / "graph.sqlite3", missed) == "scheduled"
    with serving(env, tmp_path / "second.log") as base:
        wait_until_public(base, missed)


def _status(path: Path, slug: str) -> str:
    with sqlite3.connect(path) as connection:
        (status,) = connection.execute("SELECT status FROM post WHERE slug = ?", (slug,)).fetchone()
    return str(status)

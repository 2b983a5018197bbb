"""A tiny bench database behind real servers: the API shows every post, and the DB floor
answers each operation exactly as the API does (the floor's honesty check)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import pytest

from benchmarks import database, operations, servers
from benchmarks.runner import DB_FLOOR_APP, first_difference, floor_part
from benchmarks.sizes import SIZES
from graph.clock import COPENHAGEN
from graph.db import libpq_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="the bench and its DB floor are PostgreSQL-only: set TEST_DATABASE_URL",
)

JSON = {"content-type": "application/json"}
LABELS = [
    "RelayPage",
    operations.PEERS_RELAY_PAGE,
    "RelaysWithPosts",
    "PostPage",
    operations.PEERS_POST_PAGE,
    operations.CATEGORY_LABEL,
    "AuthorPage",
    "OrganizationPage",
    "Search common",
    "Search rare",
    "Search phrase",
    "Search prefix",
    "Search with facets",
]


@contextmanager
def api_server(bench_url: str, logs: Path, **settings: str) -> Iterator[str]:
    """`graph serve` on the bench database, response cache off; its base URL."""
    command = servers.python_command("-m", "graph", "serve", "--workers", "1")
    env = {
        "DATABASE_URL": bench_url,
        "LOAD_DEMO_ON_EMPTY": "false",
        "LOG_LEVEL": "WARNING",
        "RESPONSE_CACHE": "false",
        **settings,
    }
    with servers.running("api", command, env, "/healthz", 1, logs) as server:
        yield server.base_url


@contextmanager
def floor_server(bench_url: str, logs: Path, **settings: str) -> Iterator[str]:
    """The DB floor under uvicorn on the same database; its base URL."""
    command = servers.python_command("-m", "uvicorn", DB_FLOOR_APP, "--factory")
    env = {"DATABASE_URL": bench_url, **settings}
    with servers.running("db_floor", command, env, "/graphql", 1, logs) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def api(bench_url: str, logs: Path) -> Iterator[str]:
    with api_server(bench_url, logs) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def floor(bench_url: str, logs: Path) -> Iterator[str]:
    with floor_server(bench_url, logs) as base_url:
        yield base_url


def post(base_url: str, body: bytes) -> Any:
    response = httpx.post(f"{base_url}/graphql", content=body, headers=JSON, timeout=30)
    assert response.status_code == 200, response.text
    return orjson.loads(response.content)


@pytest.fixture(scope="module")
def measured(bench_url: str, api: str) -> dict[str, operations.Operation]:
    """The operations the bench measures on this data, by label, cursors filled in."""
    meta = database.read_meta(bench_url)
    assert meta is not None

    async def send(operation: operations.Operation) -> Any:
        return post(api, operation.payload())

    picked = asyncio.run(operations.with_cursors(operations.pick(bench_url, meta), send))
    return {operation.label: operation for operation in picked}


def test_a_made_database_is_reused(
    server_url: str,
    bench_name: str,
    generate_tiny: Callable[[str, str], subprocess.CompletedProcess[str]],
) -> None:
    again = generate_tiny(server_url, bench_name)
    assert again.returncode == 0, again.stderr
    assert f"reusing {bench_name}" in again.stdout


def test_legs_count_from_one_in_time_order_per_relay(bench_url: str) -> None:
    with psycopg.connect(libpq_url(bench_url)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM (SELECT leg, row_number() OVER "
            "(PARTITION BY relay_id ORDER BY published_at, id) AS n FROM post) t WHERE leg <> n"
        ).fetchone()
    assert row == (0,)


def test_the_search_table_has_statistics_once_made(bench_url: str) -> None:
    # Filled by a trigger while `post` is loaded: the planner must see its rows too.
    with psycopg.connect(libpq_url(bench_url)) as connection:
        row = connection.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'post_search'"
        ).fetchone()
    assert row is not None and row[0] == SIZES["tiny"].posts


def test_every_post_is_visible_through_the_api(bench_url: str, api: str) -> None:
    listed: list[str] = []
    after = None
    while True:
        document = "query($after: String) { posts(first: 100, after: $after) { "
        document += "pageInfo { hasNextPage endCursor } edges { node { slug } } } }"
        body = orjson.dumps({"query": document, "variables": {"after": after}})
        posts = post(api, body)["data"]["posts"]
        listed += [edge["node"]["slug"] for edge in posts["edges"]]
        if not posts["pageInfo"]["hasNextPage"]:
            break
        after = posts["pageInfo"]["endCursor"]
    with psycopg.connect(libpq_url(bench_url)) as connection:
        stored = [slug for (slug,) in connection.execute("SELECT slug FROM post")]
    assert sorted(listed) == sorted(stored)


def test_the_category_page_is_the_third(measured: dict[str, operations.Operation]) -> None:
    # The tiny size's biggest category has more than two pages of ten.
    assert "after" in measured[operations.CATEGORY_LABEL].variables


# Ours cut to the peer's fields is measured against the peer only: it has no floor.
FLOORED = [label for label in LABELS if label not in operations.PEER_SHAPED]


@pytest.mark.parametrize("label", FLOORED)
def test_the_db_floor_answers_what_the_api_answers(
    measured: dict[str, operations.Operation], api: str, floor: str, label: str
) -> None:
    operation = measured[label]
    want = floor_part(post(api, operation.payload()))
    got = post(floor, operation.payload())
    assert "errors" not in want
    assert all(value is not None for value in want["data"].values())  # something to compare
    assert got == want, first_difference(want, got)


SEARCHES = [label for label in LABELS if label.startswith("Search")]


@pytest.mark.parametrize("label", SEARCHES)
def test_every_search_finds_posts_on_the_tiny_data(
    measured: dict[str, operations.Operation], api: str, label: str
) -> None:
    # Otherwise the floor's answer would be compared on an empty page.
    found = post(api, measured[label].payload())["data"]["search"]
    assert found["edges"]
    assert found["totalCount"] >= len(found["edges"])


# Fewer than the common word's matches on the tiny data: counts and facets stop at it.
COUNT_LIMIT = "7"


@pytest.mark.parametrize("label", ["Search common", "Search with facets"])
def test_the_db_floor_counts_and_facets_up_to_the_limit_as_the_api_does(
    measured: dict[str, operations.Operation], bench_url: str, logs: Path, label: str
) -> None:
    body = measured[label].payload()
    with api_server(bench_url, logs, SEARCH_COUNT_LIMIT=COUNT_LIMIT) as api:
        want = floor_part(post(api, body))
    with floor_server(bench_url, logs, SEARCH_COUNT_LIMIT=COUNT_LIMIT) as floor:
        got = post(floor, body)
    found = want["data"]["search"]
    assert found["totalCount"] == int(COUNT_LIMIT)
    assert found.get("totalCountIsExact", False) is False
    if "facets" in found:  # counted over the first matches only
        assert sum(year["count"] for year in found["facets"]["years"]) == int(COUNT_LIMIT)
    assert got == want, first_difference(want, got)


PROBE = """
import asyncio, sys, orjson
from benchmarks import database, operations, probe
url = sys.argv[1]
_, probes = asyncio.run(probe.probe(url, operations.pick(url, database.read_meta(url))))
counts = {label: [one.statements, one.standard_statements] for label, one in probes.items()}
print(orjson.dumps(counts).decode())
"""


def test_the_probe_counts_statements_on_both_executors(bench_url: str) -> None:
    # Its own process: the probe starts the app, and with it Tortoise, as `graph bench` does.
    probed = subprocess.run(
        [sys.executable, "-c", PROBE, bench_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probed.returncode == 0, probed.stderr[-3000:]
    counts = orjson.loads(probed.stdout.splitlines()[-1])
    assert sorted(counts) == sorted(LABELS)
    assert all(planned >= 1 and standard >= 1 for planned, standard in counts.values())


FACETED = b"""
query ($query: String!, $first: Int!, $after: String) {
  search(query: $query, first: $first, after: $after) {
    totalCount totalCountIsExact
    pageInfo { hasNextPage endCursor }
    edges { node { publishedAt relay { slug } category { slug } } }
    facets {
      categories(first: 100) { category { slug } count }
      relays(first: 100) { relay { slug } count }
      years(first: 100) { year count }
    }
  }
}
"""


def _searched(api: str, query: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The first page's facets and counts, and every hit's node, page after page."""
    nodes: list[dict[str, Any]] = []
    after, first_page = None, None
    while True:
        variables = {"query": query, "first": 100, "after": after}
        page = post(api, orjson.dumps({"query": FACETED.decode(), "variables": variables}))
        found = page["data"]["search"]
        first_page = first_page or found
        nodes += [edge["node"] for edge in found["edges"]]
        if not found["pageInfo"]["hasNextPage"]:
            return first_page, nodes
        after = found["pageInfo"]["endCursor"]


@pytest.mark.parametrize("label", ["Search common", "Search phrase", "Search prefix"])
def test_facets_on_generated_data_equal_a_count_of_every_hit(
    measured: dict[str, operations.Operation], api: str, label: str
) -> None:
    counted, nodes = _searched(api, measured[label].variables["query"])
    assert nodes and counted["totalCount"] == len(nodes) and counted["totalCountIsExact"]
    facets = counted["facets"]
    categories = Counter(node["category"]["slug"] for node in nodes if node["category"])
    relays = Counter(node["relay"]["slug"] for node in nodes)
    years = Counter(
        dt.datetime.fromisoformat(node["publishedAt"]).astimezone(COPENHAGEN).year for node in nodes
    )
    assert {row["category"]["slug"]: row["count"] for row in facets["categories"]} == categories
    # Facet lists show 100 buckets at most; tiny data has fewer relays than that.
    assert {row["relay"]["slug"]: row["count"] for row in facets["relays"]} == relays
    assert [(row["year"], row["count"]) for row in facets["years"]] == sorted(
        years.items(), reverse=True
    )

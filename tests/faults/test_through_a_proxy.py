"""`graph serve` and `graph worker` reach PostgreSQL through a proxy that stalls and drops.

Real processes, real HTTP, a real SMTP sink and webhook receiver. What is asserted is what
a user or operator notices: answers are 200 with the right data (never a 500), /healthz says
503 only while the database is really unreachable, and after every fault each scheduled post
is live, each mail sent once, each delivery made.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.clock import stop_clock
from fixtures.editing import Desk
from fixtures.faults import backend_waiting_on_a_lock, kill_app_connections, postgres_only, watching
from fixtures.jobs import TEST_JOB_SETTINGS, eventually, job_settings, settings_for
from fixtures.processes import serving, working
from fixtures.receiver import Receiver, receiving
from fixtures.smtp import SmtpSink, smtp_sink
from fixtures.tcp_proxy import TcpProxy, tcp_proxy

from graph import models
from graph.paging.ids import from_global_id
from graph.settings import Settings

pytestmark = postgres_only

DRAFTS = """{ posts(first: 5, filter: {status: [DRAFT, PUBLISHED]}) {
  edges { node { slug status } } } }"""
CREATE_WEBHOOK = """mutation ($input: CreateWebhookInput!) { result: createWebhook(input: $input) {
  __typename ... on Webhook { id } } }"""
DELIVERIES = """query ($id: ID!) { webhook(id: $id) { deliveries(first: 10) {
  status event payload } } }"""


def through(database_url: str, proxy: TcpProxy) -> str:
    """The database URL with the proxy in place of PostgreSQL's address."""
    parts = urlsplit(database_url)
    user, _, _ = parts.netloc.rpartition("@")
    netloc = f"{user}@127.0.0.1:{proxy.port}" if user else f"127.0.0.1:{proxy.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy]:
    parts = urlsplit(database_url)
    with tcp_proxy(parts.hostname or "127.0.0.1", parts.port or 5432) as running:
        yield running


@pytest.fixture
def served(proxy: TcpProxy, database_url: str, tmp_path: Path) -> Iterator[str]:
    """`graph serve` whose database connections all go through the proxy."""
    env = {
        **os.environ,
        # Give up on the pool after 2 s (not Tortoise's 30) while the database is refused.
        "DATABASE_URL": through(database_url, proxy) + "?timeout=2",
        "SERVE_RUNS_JOBS": "false",
        "LOAD_DEMO_ON_EMPTY": "false",
        "HEALTH_TIMEOUT_S": "1",
        # Budgets on, as production runs: their token lookup must survive the faults too.
        "RATE_LIMIT_COST": "1000000000",
    }
    with serving(env, tmp_path / "serve.log") as base:
        yield base


@pytest.fixture
async def http(served: str, editor_token: str) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {editor_token}"}
    async with httpx.AsyncClient(base_url=served, headers=headers, timeout=10) as client:
        yield client


async def drafts(http: httpx.AsyncClient) -> dict[str, Any]:
    """The editor's first drafts; the answer must be a 200 without errors."""
    response = await http.post("/graphql", json={"query": DRAFTS})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def counter(http: httpx.AsyncClient, name: str) -> int:
    text = (await http.get("/metrics")).text
    (line,) = [line for line in text.splitlines() if line.startswith(name + " ")]
    return int(line.split()[1])


async def test_a_request_waiting_on_the_network_when_its_connection_dies_answers_200(
    http: httpx.AsyncClient, proxy: TcpProxy, database_url: str
) -> None:
    expected = await drafts(http)
    async with watching(database_url) as watcher:
        proxy.stall()
        in_flight = asyncio.create_task(drafts(http))
        await asyncio.sleep(0.5)
        assert not in_flight.done()
        assert await kill_app_connections(watcher) >= 1
        proxy.resume()
        assert await asyncio.wait_for(in_flight, 10) == expected
    assert await counter(http, "graph_db_reconnects_total") >= 1


async def test_requests_after_the_network_dropped_every_connection_answer_200(
    http: httpx.AsyncClient, proxy: TcpProxy
) -> None:
    expected = await drafts(http)
    proxy.drop()
    for _ in range(5):
        assert await drafts(http) == expected
        assert (await http.get("/healthz")).status_code == 200
    assert await counter(http, "graph_db_reconnects_total") >= 1


async def test_healthz_is_503_only_while_the_database_is_unreachable(
    http: httpx.AsyncClient, proxy: TcpProxy, served: str
) -> None:
    assert (await http.get("/healthz")).status_code == 200
    proxy.refuse()
    started = time.monotonic()
    down = await http.get("/healthz")
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "database": "down"}
    assert time.monotonic() - started < 5
    # An editor's request cannot have its token checked: a 503 to retry on, not a 500.
    refused = await http.post("/graphql", json={"query": DRAFTS})
    assert (refused.status_code, refused.json()) == (
        503,
        {"errors": [{"message": "The database is unreachable; try again shortly."}]},
    )
    # An anonymous query the cache does not hold: a clear error to retry on, not a masked one.
    async with httpx.AsyncClient(base_url=served, timeout=10) as reader:
        anonymous = await reader.post(
            "/graphql", json={"query": "{ posts(first: 3) { totalCount } }"}
        )
    (error,) = anonymous.json()["errors"]
    assert (error["message"], error["extensions"]) == (
        "The database is unreachable; try again shortly.",
        {"code": "DATABASE_UNAVAILABLE"},
    )
    proxy.accept()
    back = time.monotonic()

    async def healthy() -> bool:
        return (await http.get("/healthz")).status_code == 200

    await eventually(healthy, 15, 0.2)
    assert time.monotonic() - back < 8
    await drafts(http)


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_sink() as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


@pytest.fixture
def settings(database_url: str, sink: SmtpSink) -> Settings:
    """The app's settings: the job tests' (webhooks on loopback allowed), mail to the sink."""
    return settings_for(database_url, **sink.env)


@pytest.fixture
def settings_for_jobs(database: str, sink: SmtpSink) -> Iterator[Settings]:
    with job_settings(database, **sink.env) as settings:
        yield settings


@pytest.fixture
def worker_env(database_url: str, proxy: TcpProxy, sink: SmtpSink) -> dict[str, str]:
    """A `graph worker` environment whose database connections go through the proxy."""
    return {
        **os.environ,
        **TEST_JOB_SETTINGS,
        **sink.env,
        "DATABASE_URL": through(database_url, proxy),
    }


class Newsroom:
    """A relay with one confirmed reader and a webhook on POST_PUBLISHED, removed afterwards."""

    def __init__(self, desk: Desk, admin: GraphQL, receiver: Receiver) -> None:
        self.desk = desk
        self.admin = admin
        self.receiver = receiver
        self.reader = f"laeser.{desk.tag}@eksempel.dk"
        self.hook_id = ""

    async def open(self) -> dict[str, Any]:
        relay = await self.desk.relay()
        subscriber = await models.Subscriber.create(
            email=self.reader, confirmed_at=dt.datetime.now(dt.UTC)
        )
        relay_row = await models.Relay.get(slug=relay["slug"])
        await models.Subscription.create(subscriber=subscriber, relay=relay_row)
        result = (
            await self.admin.data(
                CREATE_WEBHOOK, input={"url": self.receiver.url, "events": ["POST_PUBLISHED"]}
            )
        )["result"]
        assert result["__typename"] == "Webhook", result
        self.hook_id = result["id"]
        return relay

    async def close(self) -> None:
        await models.Subscriber.filter(email=self.reader).delete()
        if self.hook_id:
            await models.Webhook.filter(id=from_global_id(self.hook_id)[1]).delete()

    async def schedule(self, relay: dict[str, Any], seconds: float) -> dict[str, Any]:
        post = await self.desk.post(relay)
        # The clock here stands still while the request runs, so the time is ahead however
        # long that takes; the worker (a process of its own) publishes at the real time.
        with stop_clock() as clock:
            at = clock.now() + dt.timedelta(seconds=seconds)
            return await self.desk.ok(
                "schedulePost",
                id=post["id"],
                expectedVersion=post["version"],
                publishAt=at.isoformat(),
            )

    async def delivered(self, post: dict[str, Any]) -> bool:
        data = await self.admin.data(DELIVERIES, id=self.hook_id)
        return any(
            d["status"] == "DELIVERED" and d["payload"]["data"]["slug"] == post["slug"]
            for d in data["webhook"]["deliveries"]
        )


@pytest.fixture
async def newsroom(
    desk: Desk, admin: GraphQL, receiver: Receiver, settings_for_jobs: Settings
) -> AsyncIterator[Newsroom]:
    room = Newsroom(desk, admin, receiver)
    try:
        yield room
    finally:
        await room.close()


async def status_of(watcher: psycopg.AsyncConnection, post: dict[str, Any]) -> str:
    cursor = await watcher.execute("SELECT status FROM post WHERE slug = %s", [post["slug"]])
    row = await cursor.fetchone()
    return "" if row is None else str(row[0])


async def test_after_kills_drops_and_mail_and_receiver_outages_everything_arrives_once(
    newsroom: Newsroom,
    sink: SmtpSink,
    receiver: Receiver,
    proxy: TcpProxy,
    worker_env: dict[str, str],
    database_url: str,
    tmp_path: Path,
) -> None:
    relay = await newsroom.open()
    post = await newsroom.schedule(relay, 2)
    post_pk = from_global_id(post["id"])[1]
    async with watching(database_url) as watcher, watching(database_url) as blocker:
        # The mail server and the frontend are away when the post goes live.
        sink.stop()
        await receiver.stop()
        # The publish job will wait on the post's row lock: a kill then lands mid-job.
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT id FROM post WHERE id = %s FOR UPDATE", [post_pk])
        with working(worker_env, tmp_path / "worker.log"):
            await eventually(lambda: backend_waiting_on_a_lock(watcher), 15)
            await kill_app_connections(watcher, spare=(blocker.info.backend_pid,))
            proxy.drop()
            await blocker.execute("ROLLBACK")
            assert await eventually(lambda: _is(watcher, post, "published"), 15)

            # Between jobs: every connection dies again, then mail and frontend come back.
            await kill_app_connections(watcher)
            proxy.drop()
            await asyncio.sleep(1)
            sink.start()
            await receiver.start()
            await eventually(lambda: newsroom.delivered(post), 15)
            await eventually(lambda: _mails(sink, newsroom.reader), 15)
            await asyncio.sleep(1.5)  # a duplicate would arrive within the retry cap (1 s)

    mails = sink.inbox.to(newsroom.reader)
    assert len(mails) == 1
    assert post["title"] in str(mails[0]["Subject"])


async def _is(watcher: psycopg.AsyncConnection, post: dict[str, Any], status: str) -> bool:
    return await status_of(watcher, post) == status


async def _says(log: Path, text: str) -> bool:
    return text in await asyncio.to_thread(log.read_text, errors="replace")


async def _mails(sink: SmtpSink, address: str) -> bool:
    return bool(sink.inbox.to(address))


async def test_a_worker_outlives_a_database_outage_and_publishes_what_came_due(
    newsroom: Newsroom,
    proxy: TcpProxy,
    worker_env: dict[str, str],
    database_url: str,
    tmp_path: Path,
) -> None:
    relay = await newsroom.desk.relay()
    log = tmp_path / "worker.log"
    with working(worker_env, log) as worker:
        await eventually(lambda: _says(log, "worker running jobs"), 15)
        await asyncio.sleep(0.5)  # the worker is up and idle
        proxy.refuse()
        post = await newsroom.schedule(relay, 1)
        await asyncio.sleep(4)  # the post comes due while the database is unreachable
        async with watching(database_url) as watcher:
            assert await status_of(watcher, post) == "scheduled"
            proxy.accept()
            assert await eventually(lambda: _is(watcher, post, "published"), 20)
        assert worker.poll() is None, log.read_text()


async def test_a_stall_while_a_post_comes_due_delays_it_and_its_mail_is_sent_once(
    newsroom: Newsroom,
    sink: SmtpSink,
    proxy: TcpProxy,
    worker_env: dict[str, str],
    database_url: str,
    tmp_path: Path,
) -> None:
    relay = await newsroom.open()
    log = tmp_path / "worker.log"
    with working(worker_env, log) as worker:
        await eventually(lambda: _says(log, "worker running jobs"), 15)
        post = await newsroom.schedule(relay, 1)
        # Every byte between the worker and PostgreSQL is held while the post comes due.
        proxy.stall()
        await asyncio.sleep(3)
        async with watching(database_url) as watcher:
            assert await status_of(watcher, post) == "scheduled"
            proxy.resume()
            assert await eventually(lambda: _is(watcher, post, "published"), 15)
            await eventually(lambda: newsroom.delivered(post), 15)
            await eventually(lambda: _mails(sink, newsroom.reader), 15)
            await asyncio.sleep(1.5)  # a duplicate would arrive within the retry cap (1 s)
        assert worker.poll() is None, log.read_text()
    assert len(sink.inbox.to(newsroom.reader)) == 1

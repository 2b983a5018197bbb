"""Each client's budget: charged per answer, refused with 429 when spent, shared via Redis."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
import websockets
from conftest import StatementCounter
from fixtures.pricing import price
from fixtures.processes import free_port, serving

from graph.app import create_app
from graph.budget.spend import units_of
from graph.settings import DEFAULT_RATE_LIMIT_COST, Settings

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
FEW = "{ posts(first: 2) { edges { node { slug } } } }"
FEW_COST = price(FEW).cost  # a connection, 2 x (edge, node), and a KiB per KiB of answer
MANY = "{ posts(first: 50) { edges { node { slug } } } }"
MANY_COST = price(MANY).cost
# Room for one MANY and a little more.
BUDGET = MANY_COST + 20


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """TEST_REDIS_URL (must answer) or the default address (skipped when nothing answers)."""
    url = os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as error:
        message = f"Redis is unreachable at {url} ({error})"
        if os.environ.get("TEST_REDIS_URL"):
            pytest.fail(message)
        pytest.skip(message + "; set TEST_REDIS_URL to require it")
    finally:
        await client.aclose()
    yield url


async def app_client(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh app (its own in-process budgets) and a client at a random address."""
    app = create_app(Settings(database_url=database_url, **settings))
    address = f"192.0.2.{secrets.randbelow(250)}"
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def budgeted(database: str) -> AsyncIterator[httpx.AsyncClient]:
    async for http in app_client(database, rate_limit_cost=BUDGET, rate_limit_window_s=3600):
        yield http


def remaining(response: httpx.Response) -> int:
    fields = dict(part.split("=") for part in response.headers["ratelimit"].split(";")[1:])
    return int(fields["r"])


async def test_every_answer_says_the_policy_and_what_is_left(budgeted: httpx.AsyncClient) -> None:
    first = await budgeted.post("/graphql", json={"query": MANY})
    assert first.status_code == 200
    assert first.headers["ratelimit-policy"] == f'"cost";q={BUDGET};w=3600'
    assert remaining(first) == BUDGET - MANY_COST
    assert first.headers["ratelimit"].startswith('"cost";r=')


async def test_a_cached_answer_is_charged_its_size(budgeted: httpx.AsyncClient) -> None:
    computed = await budgeted.post("/graphql", json={"query": FEW})
    cached = await budgeted.post("/graphql", json={"query": FEW})
    assert (computed.headers["x-cache"], cached.headers["x-cache"]) == ("MISS", "HIT")
    assert BUDGET - remaining(computed) == FEW_COST
    assert remaining(computed) - remaining(cached) == units_of(len(cached.content)) == 1


async def test_a_large_cached_answer_is_charged_a_unit_per_kib(database: str) -> None:
    document = "{ posts(first: 100) { edges { node { slug title teaser html } } } }"
    async for http in app_client(database, rate_limit_cost=10**6, rate_limit_window_s=3600):
        computed = await http.post("/graphql", json={"query": document})
        cached = await http.post("/graphql", json={"query": document})
    assert cached.headers["x-cache"] == "HIT" and len(cached.content) > 5 * 1024
    assert remaining(computed) - remaining(cached) == -(-len(cached.content) // 1024)
    assert 10**6 - remaining(computed) == price(document).cost


async def test_a_spent_budget_is_refused_with_429_and_retry_after(
    budgeted: httpx.AsyncClient, sql_statements: StatementCounter
) -> None:
    await budgeted.post("/graphql", json={"query": MANY})  # 20 are left
    sql_statements.statements.clear()
    authors = "{ authors(first: 20) { edges { cursor } } }"
    over = await budgeted.post("/graphql", json={"query": authors})
    assert over.status_code == 429
    assert 0 < int(over.headers["retry-after"]) <= 3600
    (error,) = over.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "cost": price(authors).cost}
    # 19: the refused request is charged 1.
    assert f"costs {price(authors).cost}; 19 of this client's budget is left" in error["message"]
    assert sql_statements.statements == []
    # What still fits is answered, until nothing is left at all.
    assert (await budgeted.post("/graphql", json={"query": FEW})).status_code == 200
    while (response := await budgeted.post("/graphql", json={"query": FEW})).status_code == 200:
        pass
    assert response.status_code == 429 and remaining(response) == 0
    assert "retry-after" in response.headers


async def test_a_token_is_one_client_wherever_it_calls_from(
    database: str, editor_token: str
) -> None:
    headers = {"Authorization": f"Bearer {editor_token}"}
    spent = []
    for _ in range(2):  # two apps, two client addresses, one in-process budget each
        async for http in app_client(database, rate_limit_cost=1000, rate_limit_window_s=3600):
            spent.append(
                remaining(await http.post("/graphql", json={"query": MANY}, headers=headers))
            )
    assert spent == [1000 - MANY_COST] * 2
    async for http in app_client(database, rate_limit_cost=1000, rate_limit_window_s=3600):
        anonymous = await http.post("/graphql", json={"query": MANY})
        editor = await http.post("/graphql", json={"query": MANY}, headers=headers)
        assert remaining(anonymous) == remaining(editor) == 1000 - MANY_COST


async def test_with_redis_down_answers_are_served_unmetered_and_counted(database: str) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async for http in app_client(database, rate_limit_cost=10, redis_url=dead):
        for _ in range(3):
            assert (await http.post("/graphql", json={"query": MANY})).status_code == 200
        metrics = (await http.get("/metrics")).text
    unavailable = next(
        line for line in metrics.splitlines() if line.startswith("graph_budget_unavailable_total")
    )
    assert int(unavailable.split()[1]) >= 3


def test_budgets_default_on_with_postgresql_and_off_with_sqlite() -> None:
    postgres = "psycopg://postgres@127.0.0.1:5432/graph"
    assert Settings(database_url=postgres, rate_limit_cost=None).budget_per_window == (
        DEFAULT_RATE_LIMIT_COST
    )
    assert Settings(database_url="sqlite://x.db", rate_limit_cost=None).budget_per_window == 0
    assert Settings(database_url=postgres, rate_limit_cost=0).budget_per_window == 0
    assert Settings(database_url="sqlite://x.db", rate_limit_cost=500).budget_per_window == 500


@pytest.fixture
def two_servers(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    with servers_sharing(database_url, redis_url, tmp_path, 2 * MANY_COST + 50) as servers:
        yield servers


@contextmanager
def servers_sharing(
    database_url: str, redis_url: str, folder: Path, budget: int
) -> Iterator[list[str]]:
    """Two servers whose budgets live in one Redis, trusting X-Forwarded-For from loopback."""
    settings = {
        "REDIS_URL": redis_url,
        "RATE_LIMIT_COST": str(budget),
        "TRUST_FORWARDED_FOR": "true",
    }
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                server_with_budgets(database_url, folder / f"serve-{n}.log", **settings)
            )
            for n in (1, 2)
        ]


async def test_two_servers_sharing_redis_refuse_a_client_together(
    database: str, two_servers: list[str]
) -> None:
    # A fresh client address per run: budgets outlive a test run in Redis.
    client = {"X-Forwarded-For": f"2001:db8:{secrets.token_hex(2)}::1"}
    first, second = two_servers
    async with httpx.AsyncClient(timeout=10) as http:
        one = await http.post(f"{first}/graphql", json={"query": MANY}, headers=client)
        two = await http.post(f"{second}/graphql", json={"query": MANY}, headers=client)
        assert (one.status_code, two.status_code) == (200, 200)
        left = 2 * MANY_COST + 50
        assert [remaining(one), remaining(two)] == [left - MANY_COST, left - 2 * MANY_COST]
        refused = await http.post(f"{first}/graphql", json={"query": MANY}, headers=client)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        other = {"X-Forwarded-For": f"2001:db8:{secrets.token_hex(2)}::2"}
        assert (
            await http.post(f"{second}/graphql", json={"query": MANY}, headers=other)
        ).status_code == 200


@contextmanager
def server_with_budgets(database_url: str, log: Path, **settings: str) -> Iterator[str]:
    """`graph serve` with a budget (1000 per hour unless `settings` say) in its own memory,
    answers uncached."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "LOAD_DEMO_ON_EMPTY": "false",
        "RATE_LIMIT_COST": "1000",
        "RATE_LIMIT_WINDOW_S": "3600",
        "REDIS_URL": "",
        "RESPONSE_CACHE": "false",
        **settings,
    }
    with serving(env, log) as base:
        yield base


async def left_after(base: str, forwarded: str | None) -> int:
    """What is left of the budget after one uncached MANY sent with this X-Forwarded-For."""
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(f"{base}/graphql", json={"query": MANY}, headers=headers)
    assert answer.status_code == 200, answer.text
    return remaining(answer)


async def over_a_socket(base: str, forwarded: str) -> None:
    """One MANY over a WebSocket opened with this X-Forwarded-For."""
    url = base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],
        additional_headers={"X-Forwarded-For": forwarded},
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": MANY}}))
        answer = json.loads(await socket.recv())
        assert answer["payload"]["extensions"]["cost"]["requested"] == MANY_COST, answer


def spent(*answers: int) -> list[int]:
    """What is left after each of this many answers to MANY, from a budget of 1000."""
    return [1000 - MANY_COST * count for count in answers]


async def test_without_trust_a_forwarded_address_is_one_more_header(
    database: str, tmp_path: Path
) -> None:
    with server_with_budgets(database, tmp_path / "serve.log") as base:
        left = [await left_after(base, sent) for sent in ("203.0.113.77", "garbage-not-ip", None)]
        await over_a_socket(base, "203.0.113.78")
        left.append(await left_after(base, "203.0.113.79"))
    # uvicorn trusts loopback peers by default; `graph serve` turns that off.
    assert left == spent(1, 2, 3, 5)


async def test_a_trusted_proxy_names_each_client_but_never_a_non_address(
    database: str, tmp_path: Path
) -> None:
    # The test is the proxy: it calls from 127.0.0.1, in FORWARDED_ALLOW_IPS by default.
    with server_with_budgets(database, tmp_path / "serve.log", TRUST_FORWARDED_FOR="true") as base:
        first, second = [await left_after(base, sent) for sent in ("203.0.113.1", "203.0.113.2")]
        # Not an address: the proxy that passed it on (here the peer) is the client.
        garbage, peer = [await left_after(base, sent) for sent in ("garbage-not-ip", None)]
        await over_a_socket(base, "203.0.113.1")
        again = await left_after(base, "203.0.113.1")
    assert [first, second] == spent(1, 1)
    assert [garbage, peer] == spent(1, 2)
    assert again == spent(3)[0]


async def test_a_peer_outside_the_allow_list_is_not_believed(database: str, tmp_path: Path) -> None:
    with server_with_budgets(
        database,
        tmp_path / "serve.log",
        TRUST_FORWARDED_FOR="true",
        FORWARDED_ALLOW_IPS="192.0.2.1, 2001:db8::/32",
    ) as base:
        left = [await left_after(base, sent) for sent in ("203.0.113.1", "203.0.113.2")]
        await over_a_socket(base, "203.0.113.3")
        left.append(await left_after(base, None))
    assert left == spent(1, 2, 4)


@pytest.fixture
def budgeted_server(database_url: str, tmp_path: Path) -> Iterator[str]:
    log = tmp_path / "serve.log"
    with server_with_budgets(database_url, log, RATE_LIMIT_COST=str(BUDGET)) as base:
        yield base


async def test_operations_over_a_websocket_spend_the_same_budget(
    database: str, budgeted_server: str
) -> None:
    url = budgeted_server.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        answers = []
        for number in (1, 2):
            await socket.send(
                json.dumps({"id": str(number), "type": "subscribe", "payload": {"query": MANY}})
            )
            answers.append(json.loads(await socket.recv()))
            assert json.loads(await socket.recv())["type"] == "complete"
    assert answers[0]["payload"]["extensions"]["cost"]["requested"] == MANY_COST
    assert len(answers[0]["payload"]["data"]["posts"]["edges"]) > 0
    (error,) = answers[1]["payload"]["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    # The refused operation is charged 1.
    left = BUDGET - MANY_COST - 1
    assert f"costs {MANY_COST}; {left} of this client's budget is left" in error["message"]


RACE = "{ posts(first: 100) { edges { node { slug } } } relays(first: 100) { edges { cursor } } }"
RACE_COST = price(RACE).cost
RACE_BUDGET = 3000


def race_documents(count: int) -> list[str]:
    """The same price, a different document each (no cache or coalescing between them)."""
    return [f"query Race{n} {RACE}" for n in range(count)]


def served_units(answers: list[dict[str, Any]]) -> int:
    """What the answers with data were priced at, together."""
    return sum(a["extensions"]["cost"]["requested"] for a in answers if a.get("data"))


async def test_concurrent_requests_never_spend_past_the_budget(database: str) -> None:
    async for http in app_client(
        database, rate_limit_cost=RACE_BUDGET, rate_limit_window_s=3600, response_cache=False
    ):
        responses = await asyncio.gather(
            *(http.post("/graphql", json={"query": d}) for d in race_documents(30))
        )
    answers = [response.json() for response in responses]
    # 30 of cost ~400 on 3,000: before reservations 19 were served (7,619 units).
    assert 0 < served_units(answers) <= RACE_BUDGET
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 30 - sum(1 for a in answers if a.get("data"))


async def test_concurrent_requests_to_two_servers_never_spend_past_the_budget(
    database: str, budget_pair: list[str]
) -> None:
    client = {"X-Forwarded-For": f"2001:db8:{secrets.token_hex(2)}::9"}
    async with httpx.AsyncClient(timeout=30) as http:
        responses = await asyncio.gather(
            *(
                http.post(f"{budget_pair[n % 2]}/graphql", json={"query": d}, headers=client)
                for n, d in enumerate(race_documents(30))
            )
        )
    answers = [response.json() for response in responses]
    assert 0 < served_units(answers) <= RACE_BUDGET


@pytest.fixture
def budget_pair(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two servers sharing one Redis, a 3,000 budget and no response cache."""
    with servers_sharing(database_url, redis_url, tmp_path, RACE_BUDGET) as servers:
        yield servers


@pytest.fixture
def race_server(database_url: str, tmp_path: Path) -> Iterator[str]:
    log = tmp_path / "serve.log"
    with server_with_budgets(database_url, log, RATE_LIMIT_COST=str(RACE_BUDGET)) as base:
        yield base


async def test_operations_sent_at_once_on_one_websocket_never_spend_past_the_budget(
    database: str, race_server: str
) -> None:
    url = race_server.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        for number, document in enumerate(race_documents(20)):
            message = {"id": str(number), "type": "subscribe", "payload": {"query": document}}
            await socket.send(json.dumps(message))
        answers = []
        while len(answers) < 20:
            message = json.loads(await socket.recv())
            if message["type"] == "next":
                answers.append(message["payload"])
    # 20 of cost ~400 on 3,000: before reservations all 20 ran (8,020 units).
    assert 0 < served_units(answers) <= RACE_BUDGET
    codes = [a["errors"][0]["extensions"]["code"] for a in answers if not a.get("data")]
    assert codes and set(codes) == {"RATE_LIMITED"}

"""The WebSocket transport (graphql-transport-ws) against a real server: the same limits as
HTTP, and errors as messages a client can show."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fixtures.processes import serving
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

MAX_REQUEST_BYTES = 50_000
MAX_TOKENS = 2000


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("websocket") / "serve.log"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "LOG_LEVEL": "WARNING",
        "MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
        "MAX_TOKENS": str(MAX_TOKENS),
    }
    with serving(env, log) as base:
        yield base.replace("http://", "ws://") + "/graphql"


@pytest.fixture
async def ws(server: str) -> AsyncIterator[ClientConnection]:
    async with connect(server, subprotocols=["graphql-transport-ws"]) as connection:  # type: ignore[list-item]
        await connection.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await connection.recv()) == {"type": "connection_ack"}
        yield connection


async def receive(connection: ClientConnection) -> dict[str, Any]:
    message = await connection.recv()
    assert isinstance(message, str), "graphql-transport-ws messages are text frames"
    decoded: dict[str, Any] = json.loads(message)
    return decoded


def subscribe(query: str, id: str = "1") -> str:
    return json.dumps({"type": "subscribe", "id": id, "payload": {"query": query}})


async def test_a_query_over_the_websocket_answers_in_text_frames(ws: ClientConnection) -> None:
    await ws.send(subscribe("{ __typename }"))
    assert await receive(ws) == {
        "type": "next",
        "id": "1",
        "payload": {
            "data": {"__typename": "Query"},
            "extensions": {"cost": {"requested": 1, "limit": 50_000}},  # its kibibyte
        },
    }
    assert await receive(ws) == {"type": "complete", "id": "1"}


async def test_a_message_over_the_size_cap_closes_with_4413(ws: ClientConnection) -> None:
    padding = " " * MAX_REQUEST_BYTES
    await ws.send(subscribe("{ __typename }" + padding))
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4413


async def test_a_document_over_the_token_limit_gets_an_error_message(
    ws: ClientConnection,
) -> None:
    query = "{ " + " ".join(["__typename"] * (MAX_TOKENS + 10)) + " }"
    await ws.send(subscribe(query))
    message = await receive(ws)
    assert message["type"] == "error", message
    assert message["id"] == "1"
    assert "token" in message["payload"][0]["message"].lower()
    assert message["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_a_document_over_a_complexity_cap_gets_an_error_message(
    ws: ClientConnection,
) -> None:
    await ws.send(subscribe("{ " + "relays { totalCount } " * 390 + "}"))
    assert await receive(ws) == {
        "type": "error",
        "id": "1",
        "payload": [
            {
                "message": "This document has a selection set of 390 fields; the limit is 100.",
                "extensions": {
                    "code": "QUERY_TOO_COMPLEX",
                    "measure": "selectionSetFields",
                    "count": 390,
                    "limit": 100,
                },
            }
        ],
    }


async def test_a_validation_error_gets_an_error_message_with_a_code(ws: ClientConnection) -> None:
    await ws.send(subscribe("{ nope }"))
    message = await receive(ws)
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_a_message_that_is_not_json_closes_with_4400(ws: ClientConnection) -> None:
    await ws.send("[" * 20_000)
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


async def test_a_lone_surrogate_in_the_variables_is_the_same_typed_error(
    ws: ClientConnection,
) -> None:
    payload = {
        "query": "query ($s: String!) { post(slug: $s) { slug } }",
        "variables": {"s": "a\ud800"},
    }
    # json.dumps writes the surrogate as the escape a client's JSON carries.
    await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
    message = await receive(ws)
    assert message["type"] == "error", message
    (error,) = message["payload"]
    assert error["message"] == (
        "Variable $s holds an unpaired UTF-16 surrogate (\\ud800), which is not text."
    )
    assert error["extensions"] == {"code": "INVALID_CHARACTER", "variable": ["s"]}


async def test_a_lone_surrogate_in_the_operation_name_leaves_the_socket_working(
    ws: ClientConnection,
) -> None:
    payload = {"query": "query A { __typename }", "operationName": "A\ud800"}
    await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
    assert (await receive(ws))["type"] == "error"
    await ws.send(subscribe("{ __typename }", id="2"))
    assert (await receive(ws))["payload"]["data"] == {"__typename": "Query"}

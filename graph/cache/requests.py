"""A GraphQL HTTP request as the edge reads it (GET query string or JSON body), and an ASGI
`receive` that hands on a body already read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

Scope = dict[str, Any]
Message = dict[str, Any]


@dataclass
class GraphQLRequest:
    """The parts of a GraphQL HTTP request that decide its answer."""

    query: str | None
    operation_name: str | None
    variables: Any
    extensions: Any


def from_json(body: bytes) -> GraphQLRequest | None:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(parsed, dict):
        return None  # a batch, or nonsense: the GraphQL app answers it
    query = parsed.get("query")
    name = parsed.get("operationName")
    if (query is not None and not isinstance(query, str)) or (
        name is not None and not isinstance(name, str)
    ):
        return None
    return GraphQLRequest(query, name, parsed.get("variables"), parsed.get("extensions"))


def from_query_string(raw: bytes) -> GraphQLRequest | None:
    params = dict(parse_qsl(raw.decode("latin-1")))
    if "query" not in params and "extensions" not in params:
        return None  # the GraphiQL page, or a bad request: the GraphQL app answers it
    try:
        variables = orjson.loads(params["variables"]) if params.get("variables") else None
        extensions = orjson.loads(params["extensions"]) if params.get("extensions") else None
    except orjson.JSONDecodeError:
        return None
    return GraphQLRequest(params.get("query"), params.get("operationName"), variables, extensions)


def rewritten(scope: Scope, request: GraphQLRequest) -> tuple[Scope, bytes]:
    """The request with the persisted query's text in it, for the GraphQL app."""
    fields: dict[str, Any] = {"query": request.query}
    if request.operation_name is not None:
        fields["operationName"] = request.operation_name
    if request.variables is not None:
        fields["variables"] = request.variables
    if scope["method"] == "GET":
        if "variables" in fields:
            fields["variables"] = orjson.dumps(fields["variables"]).decode()
        return {**scope, "query_string": urlencode(fields).encode()}, b""
    body = orjson.dumps(fields)
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return {**scope, "headers": headers}, body


async def read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def replay(body: bytes) -> Any:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive

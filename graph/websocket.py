"""The WebSocket side of /graphql (graphql-transport-ws): size cap, text frames, errors."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from graph.budget import answers
from graph.request.context import Context

# graphql-transport-ws: the server closes with this when a message is too big.
MESSAGE_TOO_LARGE = 4413


class WebSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's WebSocket side with the HTTP size cap, sending text frames."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        limit = self.view.max_message_bytes  # type: ignore[attr-defined]
        async for message in self._messages_within(limit):
            try:
                yield self.view.decode_json(message)
            except json.JSONDecodeError as error:
                if not ignore_parsing_errors:
                    raise NonJsonMessageReceived from error

    async def _messages_within(self, limit: int) -> AsyncGenerator[str, None]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                # Characters are at most 4 bytes; encode only texts that might be too long.
                if len(text) * 4 > limit and len(text.encode()) > limit:
                    await self.close(MESSAGE_TOO_LARGE, f"Message over {limit} bytes")
                    return
                yield text
        except KeyError as error:
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            return

    async def send_json(self, message: Mapping[str, object]) -> None:
        # graphql-transport-ws speaks in text frames; orjson's bytes would go out as binary,
        # which browser clients (graphql-ws) do not read.
        limit = self.view.max_answer_bytes  # type: ignore[attr-defined]
        try:
            await self.ws.send_text(answers.within(orjson.dumps(message), limit).decode())
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, answering refused documents with an error."""

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: Any
    ) -> None:
        try:
            await super()._send_result_stream(operation, result_source)
        except GraphQLError as error:
            # A parse refusal raised by an extension (the token limit) escapes Strawberry's
            # stream; the handler would end the operation with a bare `complete`. The
            # protocol's answer to a document refused before execution is an `error`.
            await operation.send_initial_errors([error])

"""Logging with a request id on every line, so operators can match a masked error to its log."""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar

from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.request.errors import should_mask

request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure(level: str) -> None:
    """Root logging: one line per record, request id included."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    execution = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, ClientErrorsAtInfo) for f in execution.filters):
        execution.addFilter(ClientErrorsAtInfo())
    # Tortoise announces every shutdown at INFO, which is noise at the end of each command.
    logging.getLogger("tortoise").setLevel(max(logging.WARNING, logging.root.level))
    # procrastinate logs each job start and end (and every task registration) at INFO.
    logging.getLogger("procrastinate").setLevel(max(logging.WARNING, logging.root.level))


class ClientErrorsAtInfo(logging.Filter):
    """Strawberry logs every GraphQL error at ERROR; a client's mistake (bad variables, a
    syntax error, a bad cursor) is not the operator's problem, so it goes out at INFO,
    without a traceback. Errors clients see masked stay at ERROR, with the traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError) or should_mask(error):
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info = record.exc_text = record.stack_info = None
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


class RequestIdMiddleware:
    """Gives each HTTP request an id (or keeps the caller's X-Request-ID) and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming[:64] if incoming.isprintable() and incoming else secrets.token_hex(8)
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)

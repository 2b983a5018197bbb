"""The HTTP edge of budgets: who is asking, what they may still spend, 429 when nothing.

Feeds and sitemaps (`/feeds/…`, `/sitemap.xml`, `/sitemaps/…`) spend the same budget: a
computed one is charged the price its route names, one from the response cache its size.

Each request reserves 1 unit as it arrives (refused with 429 when not even that is left);
whatever answers it reserves the rest (a price, a cached answer's size) before answering.
What a request reserved is what it is charged.

Every metered answer carries the IETF `RateLimit-Policy` and `RateLimit` headers
(draft-ietf-httpapi-ratelimit-headers): the policy's quota and window, and what is left of it
after this request with the seconds until it resets. A token holder is one client whatever
address it calls from; an anonymous caller is its address (an IPv6 caller its /64, which one
machine usually holds whole).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from graph import reconnect
from graph.budget.spend import RATE_LIMITED, Budget, Spend, client_key, counters
from graph.request.context import VIEWER_KEY, bearer_token_of
from graph.tokens import Viewer, authenticate

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
POLICY = "cost"
# The paths that spend budgets besides `/graphql`: feeds and sitemaps.
METERED_PREFIXES = ("/feeds/", "/sitemaps/")


def metered(path: str) -> bool:
    """Whether requests to `path` spend the client's budget."""
    return path in ("/graphql", "/sitemap.xml") or path.startswith(METERED_PREFIXES)


class Budgets:
    """ASGI middleware for `/graphql`, feeds and sitemaps: each client within its budget."""

    def __init__(self, app: Any, budget: Budget) -> None:
        self.app = app
        self.budget = budget
        self.policy = f'"{POLICY}";q={budget.limit};w={budget.window_s}'.encode()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not metered(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            viewer = await self._viewer(scope)
        except Exception as error:
            if not reconnect.database_unreachable(error):
                raise
            # As the GraphQL app answers a token it cannot check: a 503 to retry on.
            log.warning("request refused: the database is unreachable (%s)", error)
            await _respond(send, 503, [], UNREACHABLE)
            return
        client = client_key(scope, viewer)
        try:
            spend = await self.budget.open(client)
        except Exception:
            # The budget store is down: serve unmetered rather than refuse everyone, and say so.
            counters.unavailable += 1
            log.warning("budgets unavailable; serving unmetered", exc_info=True)
            await self.app({**scope, VIEWER_KEY: viewer}, receive, send)
            return
        if spend.refused:
            counters.refused += 1
            await self._refuse(send, spend)
            return
        scope = {**scope, Spend.SCOPE_KEY: spend, VIEWER_KEY: viewer}

        async def charging(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = self._labelled(message, spend)
            await send(message)

        await self.app(scope, receive, charging)

    def _labelled(self, start: Message, spend: Spend) -> Message:
        """The response's start with the budget headers (and 429 for a refusal) added."""
        headers = [*start["headers"], *self._headers(spend)]
        status = start["status"]
        if spend.refused:
            counters.refused += 1
            status = 429
            headers.append((b"retry-after", str(spend.retry_after).encode()))
        return {**start, "status": status, "headers": headers}

    def _headers(self, spend: Spend) -> list[tuple[bytes, bytes]]:
        state = f'"{POLICY}";r={spend.remaining};t={spend.retry_after}'.encode()
        return [(b"ratelimit-policy", self.policy), (b"ratelimit", state)]

    async def _refuse(self, send: Any, spend: Spend) -> None:
        message = (
            f"This client has spent its budget of {spend.limit} per {spend.window_s} s; "
            f"try again in {spend.retry_after} s."
        )
        error = {"message": message, "extensions": {"code": RATE_LIMITED}}
        headers = [(b"retry-after", str(spend.retry_after).encode()), *self._headers(spend)]
        await _respond(send, 429, headers, orjson.dumps({"errors": [error]}))

    async def _viewer(self, scope: Scope) -> Viewer | None:
        token = bearer_token_of(dict(scope["headers"]).get(b"authorization", b"").decode("latin-1"))
        return None if token is None else await authenticate(token)


UNREACHABLE = orjson.dumps(
    {"errors": [{"message": "The database is unreachable; try again shortly."}]}
)


async def _respond(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

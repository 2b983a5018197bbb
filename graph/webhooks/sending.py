"""One HTTP request of a webhook message: signed, bounded in time, redirects not followed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from graph.webhooks import signing

USER_AGENT = "graph-webhooks/1 (Standard Webhooks)"


@dataclass(frozen=True)
class Outcome:
    """What one request brought: the response's status code, or the error that kept it away."""

    status_code: int | None
    error: str | None
    duration_ms: int


async def post(url: str, secret: str, message_id: str, body: bytes, timeout_s: float) -> Outcome:
    """POST `body` to `url` with Standard Webhooks headers; never raises for network trouble."""
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signing.headers(secret, message_id, int(time.time()), body),
    }
    started = time.monotonic()
    try:
        status_code = await _send(url, headers, body, timeout_s)
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(None, f"timed out after {timeout_s:g} s", _since(started))
    except httpx.TransportError as error:
        return Outcome(None, _describe(error), _since(started))
    return Outcome(status_code, None, _since(started))


async def _send(url: str, headers: dict[str, str], body: bytes, timeout_s: float) -> int:
    # httpx's timeout bounds each phase (connect, each read …); a server dripping its answer
    # byte by byte could hold a worker far longer, so the whole request gets a bound too.
    async with (
        asyncio.timeout(timeout_s),
        httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client,
        # Streamed and never read: only the status matters, and an endpoint answering with
        # a huge body must not fill the worker's memory.
        client.stream("POST", url, content=body, headers=headers) as response,
    ):
        return response.status_code


def _describe(error: httpx.TransportError) -> str:
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"could not connect: {detail}"
    return f"{type(error).__name__}: {detail}"


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)

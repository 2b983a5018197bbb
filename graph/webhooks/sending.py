"""One HTTP request of a webhook message: signed, bounded in time, redirects not followed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from graph.webhooks import signing
from graph.webhooks.targets import Address

USER_AGENT = "graph-webhooks/1 (Standard Webhooks)"
# A failed attempt's error as deliveries show it: its first characters.
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Outcome:
    """What one request brought: the response's status code, or the error that kept it away."""

    status_code: int | None
    error: str | None
    duration_ms: int


async def post(
    url: str,
    secret: str,
    message_id: str,
    body: bytes,
    timeout_s: float,
    address: Address | None = None,
) -> Outcome:
    """POST `body` to `url` with Standard Webhooks headers; never raises for network trouble.

    With `address` (the one the target check approved) the request goes there, with the URL's
    host in `Host` and in TLS (SNI and certificate check): a DNS answer that changed since the
    check (DNS rebinding) cannot send it to a private address.
    """
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signing.headers(secret, message_id, int(time.time()), body),
    }
    started = time.monotonic()
    try:
        status_code = await _send(url, headers, body, timeout_s, address)
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(None, f"timed out after {timeout_s:g} s", _since(started))
    except httpx.TransportError as error:
        return Outcome(None, _describe(error), _since(started))
    return Outcome(status_code, None, _since(started))


async def _send(
    url: str, headers: dict[str, str], body: bytes, timeout_s: float, address: Address | None
) -> int:
    extensions = {}
    if address is not None:
        original = httpx.URL(url)
        headers = {**headers, "host": original.netloc.decode("ascii")}
        extensions["sni_hostname"] = original.host
        url = str(original.copy_with(host=str(address)))
    # httpx's timeout bounds each phase (connect, each read …); a server dripping its answer
    # byte by byte could hold a worker far longer, so the whole request gets a bound too.
    async with (
        asyncio.timeout(timeout_s),
        httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client,
        # Streamed and never read: only the status matters, and an endpoint answering with
        # a huge body must not fill the worker's memory.
        client.stream(
            "POST", url, content=body, headers=headers, extensions=extensions
        ) as response,
    ):
        return response.status_code


def _describe(error: httpx.TransportError) -> str:
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"could not connect: {detail}"[:MAX_ERROR_CHARS]
    return f"{type(error).__name__}: {detail}"[:MAX_ERROR_CHARS]


def stored_error(text: str | None) -> str | None:
    """An error as deliveries keep it: its first MAX_ERROR_CHARS characters."""
    return None if text is None else text[:MAX_ERROR_CHARS]


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)

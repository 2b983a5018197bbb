"""Feed and sitemap answers through the response cache: ETag, 304, tags, and a budget charge.

A client is charged as for GraphQL: a computed document its price (reserved before it is
built; refused with 429 when its budget cannot pay it), a cached one its size (a unit per
KiB), a 304 the least. A request that waited for another's computation pays the size.

A feed is kept in the same cache as GraphQL answers, under the content tags of what it
shows, so the write that invalidates a GraphQL answer (in this process, or in any process
through PostgreSQL's NOTIFY) drops the feed too. Feeds are public: a token changes nothing
in them, so every caller shares one cached copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from graph.budget.spend import afforded, refusal, spend_of, units_of
from graph.cache import tags
from graph.cache.middleware import MAX_TAG_HEADER, none_match, tag_separator
from graph.cache.store import Entry, ResponseCache
from graph.settings import Settings

Produce = Callable[[], Awaitable[bytes | None]]


def not_found(what: str) -> Response:
    """A 404 with a one-line plain body."""
    return PlainTextResponse(f"No such {what}.\n", status_code=404)


async def respond(
    request: Request, key: str, media_type: str, produce: Produce, what: str, price: int
) -> Response:
    """The cached answer for `key`, or `produce()`'s (None means 404), with HTTP caching;
    `price`: what a computed answer costs (graph/feeds/prices.py)."""
    cache: ResponseCache | None = request.app.state.cache
    settings: Settings = request.app.state.settings
    cache_key = hashlib.blake2b(f"feeds\x00{key}".encode(), digest_size=20).digest()
    entry = cache.get(cache_key) if cache is not None and cache.enabled else None
    state = "HIT"
    if entry is None:
        if not await afforded(request.scope, price):
            return _refused(request, price)
        ran: list[bool] = []

        async def compute() -> Entry | None:
            ran.append(True)
            return await _computed(request, settings, produce)

        entry = await (compute() if cache is None else cache.compute(cache_key, compute))
        if entry is None and not ran:
            entry = await compute()  # the request we waited on found nothing: see for ourselves
        state = "MISS" if ran else "HIT"
        if entry is None or not ran:
            # Nothing to show costs the least; another request's answer costs its size.
            await _settle(request, entry)
    if entry is None:
        return not_found(what)
    headers = {"ETag": entry.etag, "Cache-Control": settings.cache_control, "X-Cache": state}
    if entry.tag_header:
        headers[settings.cache_tag_header] = entry.tag_header.decode()
    if none_match(request.headers.get("if-none-match", "").encode() or None, entry.etag):
        return Response(status_code=304, headers=headers)
    if state == "HIT" and not await afforded(request.scope, units_of(len(entry.body))):
        return _refused(request, units_of(len(entry.body)))
    return Response(entry.body, media_type=media_type, headers=headers)


async def _settle(request: Request, entry: Entry | None) -> None:
    """Charge a request that reserved a price but got nothing (1) or another's answer (its
    size): what it held beyond is given back."""
    spend = spend_of(request.scope)
    if spend is not None:
        await spend.settle(1 if entry is None else units_of(len(entry.body)))


def _refused(request: Request, units: int) -> Response:
    """Too much for the client's budget: the budget middleware makes it a 429."""
    spend = spend_of(request.scope)
    assert spend is not None  # only a budget refuses
    return PlainTextResponse(refusal(spend, units) + "\n", status_code=429)


async def _computed(request: Request, settings: Settings, produce: Produce) -> Entry | None:
    """An entry made by `produce`, tagged with what it read."""
    with tags.collecting() as collected:
        body = await produce()
    if body is None:
        return None
    separator = tag_separator(settings.cache_tag_header)
    header = tags.header_value(collected, separator, MAX_TAG_HEADER)
    return Entry.of(body, collected, header.encode())

"""Hostile probes against a running `graph serve`: what each attack of issue 21 gets.

    .venv/bin/python scripts/hostile.py http://127.0.0.1:8000 [--only NAME ...]

Prints, per probe, the answer's status, bytes, time, reported cost and what the client's
budget was charged (from the `RateLimit` header), and the server's peak RSS when given its
pid (`--pid`). The server should hold posts with long bodies (`--fatten DATABASE_URL` gives
the demo relay's posts ~100 KB bodies and HTML through SQL, as the issue measured) and run
with budgets on (PostgreSQL's default: 500,000 per minute).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg

RELAY = "lederskabs-stafetten"
AMPLIFIER = (
    "a{n}: relay(slug: $slug) {{ posts(first: 100) {{ edges {{ node {{ body html }} }} }} }}"
)
PLAIN = "{ relays { totalCount } }"
PARAGRAPH = "Tillid er ledelsens vigtigste valuta, og den tjenes langsomt. " * 10


def address() -> str:
    """A fresh documentation address per probe: each starts with a full budget."""
    return f"198.51.100.{secrets.randbelow(250) + 1}"


def remaining(response: httpx.Response) -> int | None:
    header = response.headers.get("ratelimit")
    if header is None:
        return None
    fields = dict(part.split("=") for part in header.split(";")[1:])
    return int(fields["r"])


def amplifier(aliases: int) -> str:
    fields = " ".join(AMPLIFIER.format(n=n) for n in range(aliases))
    return f"query ($slug: String!) {{ {fields} }}"


def rss_kb(pid: int | None) -> int | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


Probe = Callable[[httpx.AsyncClient, str], Awaitable[dict[str, Any]]]


async def post(http: httpx.AsyncClient, url: str, body: dict[str, Any], **headers: str) -> Any:
    started = time.perf_counter()
    response = await http.post(f"{url}/graphql", json=body, headers=headers)
    return response, time.perf_counter() - started


def described(response: httpx.Response, seconds: float, limit_before: int | None) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = {}
    cost = (body.get("extensions") or {}).get("cost", {}).get("requested")
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    left = remaining(response)
    charged = None if left is None or limit_before is None else limit_before - left
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "ms": round(seconds * 1000),
        "cost": cost,
        "charged": charged,
        "codes": codes[:2],
    }


async def text_is_free(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """30 aliases of a relay's 100 posts with body and html, twice (the second from cache)."""
    client = address()
    body = {"query": amplifier(30), "variables": {"slug": RELAY}}
    first, seconds = await post(http, url, body, **{"x-forwarded-for": client})
    out = {"first": described(first, seconds, _limit(first))}
    again, seconds = await post(http, url, body, **{"x-forwarded-for": client})
    out["again"] = described(again, seconds, remaining(first))
    return out


async def through_fragments(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    fragment = "fragment P on Post { body html }"
    fields = " ".join(
        f"a{n}: relay(slug: $slug) {{ posts(first: 100) {{ edges {{ node {{ ...P }} }} }} }}"
        for n in range(10)
    )
    document = f"query ($slug: String!) {{ {fields} }} {fragment}"
    body = {"query": document, "variables": {"slug": RELAY}}
    response, seconds = await post(http, url, body)
    return described(response, seconds, _limit(response))


async def feed(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    client = {"x-forwarded-for": address()}
    started = time.perf_counter()
    response = await http.get(f"{url}/feeds/posts.rss", headers=client)
    seconds = time.perf_counter() - started
    return described(response, seconds, _limit(response))


def _limit(response: httpx.Response) -> int | None:
    policy = response.headers.get("ratelimit-policy")
    if policy is None:
        return None
    return int(dict(p.split("=") for p in policy.split(";")[1:])["q"])


async def quadratic(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """~390 same-name fields, a new alias per request, from two clients for 3 s, while a
    third asks a plain query; the plain query's slowest answer."""
    stop = time.monotonic() + 3

    async def hostile() -> int:
        sent = 0
        while time.monotonic() < stop:
            alias = f"x{secrets.token_hex(3)}"
            fields = " ".join(f"{alias}: relays {{ totalCount }}" for _ in range(390))
            document = "{ " + fields + " }"
            response, _ = await post(http, url, {"query": document})
            sent += 1
            last = response
        return sent, last

    async def plain() -> list[float]:
        times = []
        while time.monotonic() < stop:
            _, seconds = await post(http, url, {"query": PLAIN})
            times.append(seconds)
            await asyncio.sleep(0.05)
        return times

    *hostiles, times = await asyncio.gather(hostile(), hostile(), plain())
    last = hostiles[0][1]
    return {
        "hostile_sent": sum(sent for sent, _ in hostiles),
        "hostile_answer": described(last, 0, None),
        "plain_max_ms": round(max(times) * 1000),
        "plain_median_ms": round(sorted(times)[len(times) // 2] * 1000),
    }


async def typename_flood(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    document = "{ " + " ".join("__typename" for _ in range(1000)) + " }"
    response, seconds = await post(http, url, {"query": document})
    out = described(response, seconds, None)
    out["message"] = (response.json().get("errors") or [{}])[-1].get("message", "")[:80]
    return out


async def budget_race(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """30 concurrent documents of one client; its budget must be RATE_LIMIT_COST=3000 for
    the issue's figures (start the server so)."""
    client = {"x-forwarded-for": address()}
    document = (
        "{ posts(first: 100) { edges { node { slug } } } "
        "relays(first: 100) { edges { node { slug } } } }"
    )
    answers = await asyncio.gather(
        *(post(http, url, {"query": f"query Q{n} {document}"}, **client) for n in range(30))
    )
    served = [r for r, _ in answers if r.status_code == 200 and "errors" not in r.json()]
    costs = [r.json()["extensions"]["cost"]["requested"] for r in served]
    lefts = [left for r, _ in answers if (left := remaining(r)) is not None]
    return {
        "served": len(served),
        "units_served": sum(costs),
        "cost_each": costs[0] if costs else None,
        "left_at_end": min(lefts) if lefts else None,
    }


async def forwarded(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """Different X-Forwarded-For values from one peer: fresh budgets or one?"""
    lefts = []
    for value in ("203.0.113.77", "garbage-not-ip", "203.0.113.78"):
        response, _ = await post(http, url, {"query": PLAIN}, **{"x-forwarded-for": value})
        lefts.append(remaining(response))
    return {"remaining_after_each": lefts}


async def surrogate(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    out = {}
    for name, document in {
        "post": "query ($s: String!) { post(slug: $s) { id } }",
        "search": "query ($s: String!) { search(query: $s) { totalCount } }",
    }.items():
        body = json.dumps({"query": document, "variables": {"s": "a\ud800"}})
        response = await http.post(
            f"{url}/graphql", content=body, headers={"content-type": "application/json"}
        )
        payload = response.json()
        errors = payload.get("errors") or []
        out[name] = {
            "status": response.status_code,
            "code": errors[0].get("extensions", {}).get("code") if errors else None,
            "message": errors[0]["message"][:70] if errors else json.dumps(payload)[:70],
        }
    return out


async def apq_version(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}
    response = await http.post(f"{url}/graphql", json={"query": PLAIN, "extensions": extensions})
    return {"status": response.status_code, "body": response.text[:100]}


PROBES: dict[str, Probe] = {
    "text_is_free": text_is_free,
    "through_fragments": through_fragments,
    "feed": feed,
    "quadratic": quadratic,
    "typename_flood": typename_flood,
    "budget_race": budget_race,
    "forwarded": forwarded,
    "surrogate": surrogate,
    "apq_version": apq_version,
}


def fatten(database_url: str) -> None:
    """Give the demo relay's posts ~100 KB bodies and HTML, as the issue's measurements had."""
    dsn = database_url.replace("psycopg://", "postgresql://")
    body = PARAGRAPH * (100_000 // len(PARAGRAPH))
    html = "<p>" + body + "</p>"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("UPDATE post SET body = %s, html = %s", (body, html))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--only", nargs="*", default=list(PROBES))
    parser.add_argument("--pid", type=int)
    parser.add_argument("--fatten", metavar="DATABASE_URL")
    args = parser.parse_args()
    if args.fatten:
        fatten(args.fatten)
    async with httpx.AsyncClient(timeout=120) as http:
        for name in args.only:
            before = rss_kb(args.pid)
            result = await PROBES[name](http, args.url)
            after = rss_kb(args.pid)
            if before is not None:
                result["peak_rss_mb"] = round((after or 0) / 1024)
            print(f"{name}: {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

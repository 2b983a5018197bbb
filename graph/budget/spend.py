"""Each client's budget of cost units per window, kept in Redis or in this process.

Windows are fixed (GitHub's hourly budget is one too): a client may spend `limit` units in
each window of `window_s` seconds, counted from the epoch, so every server process sharing a
Redis agrees on when a window ends without talking to the others.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import redis.asyncio as redis

from graph.tokens import Viewer


class BudgetCounters:
    """How often budgets refused a request, or could not be consulted, for `/metrics`."""

    def __init__(self) -> None:
        self.refused = 0
        self.unavailable = 0


counters = BudgetCounters()


# Anonymous callers' windows are kept for this many windows in memory, then dropped.
KEPT_WINDOWS = 2


@dataclass
class Spend:
    """One request's view of its client's budget; the GraphQL layer says what to charge."""

    SCOPE_KEY: ClassVar[str] = "graph.spend"

    limit: int
    spent: int
    window_s: int
    window_ends: float
    # What the answer costs: set by the cost extension when the operation runs. Anything
    # else (a cached answer, a refusal, an invalid document) is charged 1.
    cost: int | None = None
    refused: bool = False

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.spent)

    @property
    def retry_after(self) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, math.ceil(self.window_ends - time.time()))

    def affords(self, cost: int) -> bool:
        """Whether an answer of this cost fits in what is left."""
        return cost <= self.remaining


class Buckets(Protocol):
    """Where budgets are kept: amounts spent per client and window."""

    async def spent(self, client: str, window: int) -> int: ...

    async def charge(self, client: str, window: int, amount: int, ttl_s: int) -> int: ...

    async def close(self) -> None: ...


class MemoryBuckets:
    """Budgets in this process: for one server process, or tests."""

    def __init__(self) -> None:
        self.amounts: dict[tuple[str, int], int] = {}
        self.newest = 0

    async def spent(self, client: str, window: int) -> int:
        return self.amounts.get((client, window), 0)

    async def charge(self, client: str, window: int, amount: int, ttl_s: int) -> int:
        if window > self.newest:
            # A new window: forget the ones no request can ask about any more.
            self.newest = window
            self.amounts = {
                key: value for key, value in self.amounts.items() if key[1] > window - KEPT_WINDOWS
            }
        total = self.amounts.get((client, window), 0) + amount
        self.amounts[(client, window)] = total
        return total

    async def close(self) -> None:
        self.amounts.clear()


class RedisBuckets:
    """Budgets in Redis, shared by every server process that uses the same Redis."""

    PREFIX = "graph:budget:"

    def __init__(self, url: str) -> None:
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def _key(self, client: str, window: int) -> str:
        return f"{self.PREFIX}{client}:{window}"

    async def spent(self, client: str, window: int) -> int:
        value = await self.redis.get(self._key(client, window))
        return int(value or 0)

    async def charge(self, client: str, window: int, amount: int, ttl_s: int) -> int:
        key = self._key(client, window)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(key, amount)
            pipe.expire(key, ttl_s)
            total, _ = await pipe.execute()
        return int(total)

    async def close(self) -> None:
        await self.redis.aclose()


@dataclass(frozen=True)
class Budget:
    """The policy (`limit` units per `window_s`) over one set of buckets."""

    buckets: Buckets
    limit: int
    window_s: int

    def window(self, now: float) -> int:
        return int(now // self.window_s)

    async def open(self, client: str) -> Spend:
        """The client's budget as this request starts."""
        now = time.time()
        window = self.window(now)
        spent = await self.buckets.spent(client, window)
        return Spend(self.limit, spent, self.window_s, (window + 1) * self.window_s)

    async def charge(self, client: str, spend: Spend) -> None:
        """Charge what the answer cost (1 unless the cost extension said otherwise)."""
        amount = 1 if spend.cost is None or spend.refused else max(1, spend.cost)
        window = self.window(spend.window_ends - self.window_s)
        spend.spent = await self.buckets.charge(client, window, amount, self.window_s * 2)


def client_key(scope: Mapping[str, Any], viewer: Viewer | None) -> str:
    """Whose budget a request spends: its token's, or else its address's.

    The address is `scope["client"]` alone: graph.proxies has already put the forwarded one
    there if a trusted proxy vouched for it. A caller without an IP address (a Unix socket,
    an in-process transport) is `address:unknown`; text that is not an address never
    becomes a key of its own."""
    if viewer is not None:
        return f"token:{viewer.id}"
    client = scope.get("client")
    try:
        parsed = ipaddress.ip_address(client[0] if client else "")
    except ValueError:
        return "address:unknown"
    if parsed.version == 6:
        return f"address:{ipaddress.ip_network(f'{parsed}/64', strict=False)}"
    return f"address:{parsed}"

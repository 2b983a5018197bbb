"""Each client's budget of cost units per window, kept in Redis or in this process.

Windows are fixed (GitHub's hourly budget is one too): a client may spend `limit` units in
each window of `window_s` seconds, counted from the epoch, so every server process sharing a
Redis agrees on when a window ends without talking to the others.

A request reserves before it is answered and is charged what it reserved: 1 as it arrives,
then its price (a computed answer) or its size (a cached one). Each reservation is one atomic
step (a Redis script, or no `await` in this process), so concurrent requests of one client
can never together spend more than its budget.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import redis.asyncio as redis

from graph.budget.cost import BYTES_PER_UNIT
from graph.tokens import Viewer

log = logging.getLogger(__name__)


class BudgetCounters:
    """How often budgets refused a request, or could not be consulted, for `/metrics`."""

    def __init__(self) -> None:
        self.refused = 0
        self.unavailable = 0


counters = BudgetCounters()


# The error code of an answer refused because its client's budget cannot pay for it.
RATE_LIMITED = "RATE_LIMITED"

# Anonymous callers' windows are kept for this many windows in memory, then dropped.
KEPT_WINDOWS = 2


class Buckets(Protocol):
    """Where budgets are kept: amounts spent per client and window."""

    async def reserve(
        self, client: str, window: int, amount: int, limit: int, ttl_s: int
    ) -> tuple[bool, int]:
        """Add `amount` to the client's spending unless that would pass `limit`, in one step
        no other request can come between: whether it was added, and the spending after."""
        ...

    async def adjust(self, client: str, window: int, amount: int, ttl_s: int) -> int:
        """Add `amount` (a refund when negative); the spending after."""
        ...

    async def close(self) -> None: ...


class MemoryBuckets:
    """Budgets in this process: for one server process, or tests."""

    def __init__(self) -> None:
        self.amounts: dict[tuple[str, int], int] = {}
        self.newest = 0

    async def reserve(
        self, client: str, window: int, amount: int, limit: int, ttl_s: int
    ) -> tuple[bool, int]:
        # No await between reading and writing: atomic on the event loop.
        self._forget_before(window)
        spent = self.amounts.get((client, window), 0)
        if spent + amount > limit:
            return False, spent
        self.amounts[(client, window)] = spent + amount
        return True, spent + amount

    async def adjust(self, client: str, window: int, amount: int, ttl_s: int) -> int:
        self._forget_before(window)
        total = self.amounts.get((client, window), 0) + amount
        self.amounts[(client, window)] = total
        return total

    def _forget_before(self, window: int) -> None:
        if window > self.newest:
            # A new window: forget the ones no request can ask about any more.
            self.newest = window
            self.amounts = {
                key: value for key, value in self.amounts.items() if key[1] > window - KEPT_WINDOWS
            }

    async def close(self) -> None:
        self.amounts.clear()


# Reserve ARGV[1] units under the limit ARGV[2], or nothing: one script, so requests to any
# server process sharing the Redis cannot both see the same balance.
RESERVE = """
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if spent + amount > tonumber(ARGV[2]) then
  return {0, spent}
end
spent = redis.call('INCRBY', KEYS[1], amount)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, spent}
"""


class RedisBuckets:
    """Budgets in Redis, shared by every server process that uses the same Redis."""

    PREFIX = "graph:budget:"

    def __init__(self, url: str) -> None:
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.reserving = self.redis.register_script(RESERVE)

    def _key(self, client: str, window: int) -> str:
        return f"{self.PREFIX}{client}:{window}"

    async def reserve(
        self, client: str, window: int, amount: int, limit: int, ttl_s: int
    ) -> tuple[bool, int]:
        key = self._key(client, window)
        added, spent = await self.reserving(keys=[key], args=[amount, limit, ttl_s])
        return bool(added), int(spent)

    async def adjust(self, client: str, window: int, amount: int, ttl_s: int) -> int:
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

    @property
    def ttl_s(self) -> int:
        """How long a window's spending is kept: until the next window has ended too."""
        return self.window_s * 2

    async def open(self, client: str) -> Spend:
        """The client's budget as a request starts, with the least any request is charged
        (1) reserved; `refused` when not even that is left."""
        window = self.window(time.time())
        added, spent = await self.buckets.reserve(client, window, 1, self.limit, self.ttl_s)
        return Spend(self, client, window, spent, reserved=int(added), refused=not added)


@dataclass
class Spend:
    """One request's hold on its client's budget: reserved before an answer is made (the
    worst case), settled after. What is reserved is what is charged unless settled."""

    SCOPE_KEY: ClassVar[str] = "graph.spend"

    budget: Budget
    client: str
    window: int
    spent: int  # the client's spending in this window, as of this request's last step
    reserved: int = 0
    refused: bool = False
    unmetered: bool = False

    @property
    def limit(self) -> int:
        return self.budget.limit

    @property
    def window_s(self) -> int:
        return self.budget.window_s

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.spent)

    @property
    def retry_after(self) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, math.ceil((self.window + 1) * self.window_s - time.time()))

    async def reserve(self, total: int) -> bool:
        """Hold `total` units for this request (what it holds already counts towards it);
        False, holding no more, when the client cannot afford them."""
        more = total - self.reserved
        if more <= 0 or self.unmetered:
            return True
        try:
            added, self.spent = await self.budget.buckets.reserve(
                self.client, self.window, more, self.limit, self.budget.ttl_s
            )
        except Exception:
            self._lost_buckets("serving unmetered")
            return True
        if added:
            self.reserved = total
        return added

    async def settle(self, total: int) -> None:
        """Charge this request exactly `total`: what it held beyond is given back."""
        difference = total - self.reserved
        if not difference or self.unmetered:
            return
        try:
            self.spent = await self.budget.buckets.adjust(
                self.client, self.window, difference, self.budget.ttl_s
            )
        except Exception:
            self._lost_buckets("not settled")
            return
        self.reserved = total

    def _lost_buckets(self, outcome: str) -> None:
        # The budget store went away mid-request: serve rather than refuse, and say so.
        counters.unavailable += 1
        self.unmetered = True
        log.warning("budgets unavailable; %s", outcome, exc_info=True)


def units_of(size: int) -> int:
    """What an answer of `size` bytes costs when it was not computed for this request (the
    response cache's): a unit per KiB begun, at least 1."""
    return max(1, -(-size // BYTES_PER_UNIT))


def spend_of(scope: Mapping[str, Any]) -> Spend | None:
    """The request's hold on its client's budget, when budgets are on."""
    spend = scope.get(Spend.SCOPE_KEY)
    return spend if isinstance(spend, Spend) else None


async def afforded(scope: Mapping[str, Any], units: int) -> bool:
    """Reserve `units` for this request; False (and the request refused) when its client
    cannot afford them. Always True when budgets are off."""
    spend = spend_of(scope)
    if spend is None or await spend.reserve(units):
        return True
    spend.refused = True
    return False


def refusal(spend: Spend, units: int, what: str = "answer") -> str:
    """Why `what` (an answer, a query) of `units` was refused, for the client."""
    return (
        f"This {what} costs {units}; {spend.remaining} of this client's budget is left "
        f"until the window resets in {spend.retry_after} s."
    )


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

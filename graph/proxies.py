"""Who a caller is behind our own proxies: the one rule that may change a request's address.

With TRUST_FORWARDED_FOR on, a request whose peer is in FORWARDED_ALLOW_IPS has its address
(`scope["client"]`) taken from `X-Forwarded-For`, by uvicorn's rule: each proxy appends the
address it saw, so the list is read from the right, and the client is the right-most entry
that is not itself a trusted proxy. Entries further left were written by someone we do not
trust and are never read. An entry that is not an IP address (`garbage-not-ip`, `unknown`)
is never anyone's address: the walk stops there and the client is the nearest hop that was
an address (the trusted proxy that passed the nonsense on, or the peer itself).

`graph serve` turns uvicorn's own proxy-header handling off, so this middleware is the only
thing that decides; everything after it (budgets, logs) reads `scope["client"]` alone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(text: str) -> tuple[Network, ...]:
    """The networks in a comma-separated list of IP addresses and CIDR blocks.

    Raises ValueError naming the entry that is neither (a typo must not silently trust
    nobody, or everybody)."""
    found = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            found.append(ipaddress.ip_network(entry))
        except ValueError as error:
            raise ValueError(f"{entry!r} is not an IP address or CIDR block ({error})") from error
    return tuple(found)


def address(entry: str) -> Address | None:
    """The IP address in one forwarded entry (`203.0.113.7`, `203.0.113.7:5678`,
    `2001:db8::1`, `[2001:db8::1]:5678`), or None when it holds none."""
    entry = entry.strip()
    if entry.startswith("[") and "]" in entry:
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(entry)
    except ValueError:
        return None
    # A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; the allow list names them in
    # IPv4, and so do budgets.
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def forwarded_client(peer: str, forwarded: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client's address: `peer`, or, if the peer is a trusted proxy, the address the
    X-Forwarded-For values (every such header, in order) name by the rule above."""
    hop = address(peer)
    if hop is None or not _is_trusted(hop, trusted):
        return peer
    entries = [entry for value in forwarded for entry in value.split(",")]
    for entry in reversed(entries):
        found = address(entry)
        if found is None:
            break
        hop = found
        if not _is_trusted(hop, trusted):
            break
    return str(hop)


def _is_trusted(hop: Address, trusted: Sequence[Network]) -> bool:
    return any(hop in network for network in trusted)


class ForwardedFor:
    """ASGI middleware: the caller's address is the forwarded one when a trusted proxy
    vouches for it (HTTP and WebSocket alike)."""

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client:
            forwarded = _header_values(scope, b"x-forwarded-for")
            if forwarded:
                found = forwarded_client(client[0], forwarded, self.trusted)
                if found != client[0]:
                    scope = {**scope, "client": (found, 0)}
        await self.app(scope, receive, send)


def _header_values(scope: Scope, name: bytes) -> list[str]:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    return [value.decode("latin-1") for key, value in headers if key == name]

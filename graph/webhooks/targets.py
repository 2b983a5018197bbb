"""Where webhooks may send: http(s) URLs whose host resolves to public addresses only.

Without this check an admin token (or a stolen one) could make the server post to its own
loopback services, the cloud metadata address or the office network (SSRF).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from graph.settings import Settings

MAX_URL = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A URL and what checking it found: why it may not be used (`refusal` None: it may)."""

    url: str
    refusal: str | None = None
    # The name did not resolve. At delivery time that may pass (a DNS hiccup), so it is retried.
    unresolved: bool = False
    # The checked address to connect to, so a second lookup cannot lead elsewhere.
    address: Address | None = None


async def check(url: str, settings: Settings) -> Target:
    """Check `url` as it stands now: its form, then every address its host resolves to
    (within WEBHOOK_TIMEOUT_S; private ones allowed with WEBHOOK_ALLOW_PRIVATE)."""
    parts, problem = _parse(url)
    if parts is None:
        return Target(url, problem)
    host = parts.hostname or ""
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        addresses = await _resolve(host, port, settings.webhook_timeout_s)
    except (OSError, UnicodeError, TimeoutError):
        return Target(url, f"the host {host} cannot be resolved", unresolved=True)
    pinned = _preferred(addresses)
    if settings.webhook_allow_private:
        return Target(url, address=pinned)
    for address in addresses:
        kind = restricted_kind(address)
        if kind is not None:
            where = f"{address} is" if host == str(address) else f"{host} resolves to {address},"
            return Target(url, f"{where} {kind}; webhooks may only call public addresses")
    return Target(url, address=pinned)


def _preferred(addresses: list[Address]) -> Address | None:
    """The address to connect to: the first IPv4 one if any (the most widely reachable)."""
    for address in addresses:
        if address.version == 4:
            return address
    return addresses[0] if addresses else None


def _parse(url: str) -> tuple[SplitResult | None, str | None]:
    """The URL's parts if its form is acceptable, else why not."""
    if len(url) > MAX_URL:
        return None, f"must be at most {MAX_URL} characters"
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        return None, "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading it validates the port
    except ValueError:
        return None, "is not a valid URL"
    if parts.scheme not in DEFAULT_PORTS:
        shown = f"the scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        return None, f"has {shown}; only http:// and https:// URLs can receive webhooks"
    if not parts.hostname:
        return None, "has no host"
    return parts, None


async def _resolve(host: str, port: int, timeout_s: float) -> list[Address]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    async with asyncio.timeout(timeout_s):
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # sockaddr[0] is the address text; IPv6 may carry a `%scope`, which ip_address accepts.
    return [ipaddress.ip_address(sockaddr[0]) for *_, sockaddr in found]


# Checked in this order: 127.0.0.1 is also "private" to Python, but "loopback" says more.
KINDS: list[tuple[str, str]] = [
    ("is_unspecified", "an unspecified address"),
    ("is_loopback", "a loopback address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_reserved", "a reserved address"),
    ("is_private", "a private address"),
]


TEREDO = "a Teredo form"
# IANA's special-purpose IPv4 ranges that some Python versions still call global (e.g.
# 192.0.0.9, 192.0.0.10 in 3.12+); none is a frontend's address.
SPECIAL_IPV4 = [ipaddress.IPv4Network("192.0.0.0/24"), ipaddress.IPv4Network("198.18.0.0/15")]
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the well-known prefix
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: never global
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # RFC 4291, deprecated: ::a.b.c.d


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address inside an IPv6 transition form, with the form's name.

    A gateway or the host's own stack turns each of these into a packet to that IPv4
    address, so ::ffff:127.0.0.1 or 2002:7f00:1:: reach loopback just as 127.0.0.1 does.
    """
    last32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return "an IPv4-mapped form", address.ipv4_mapped
    if address.sixtofour is not None:
        return "a 6to4 form", address.sixtofour
    if address.teredo is not None:
        return TEREDO, address.teredo[1]
    if address in NAT64:
        return "a NAT64 form", last32
    if address in IPV4_COMPATIBLE and int(address) > 1:  # not :: or ::1
        return "an IPv4-compatible form", last32
    return None


def restricted_kind(address: Address) -> str | None:
    """What sort of non-public address this is ("a loopback address"), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64_LOCAL:
            return "a local-use NAT64 address"
        embedded = embedded_ipv4(address)
        if embedded is not None:
            form, inner_address = embedded
            inner = restricted_kind(inner_address)
            if inner is not None:
                return f"{form} of {inner}"
            if form != TEREDO:
                return None  # the packet goes to that public IPv4 address
    # Before the ipaddress flags: which of these they call private differs between Python
    # releases (192.0.0.8 is private in 3.11.2, not in 3.11.7).
    if any(address in network for network in SPECIAL_IPV4):
        return "a special-purpose address"
    for attribute, kind in KINDS:
        if getattr(address, attribute):
            return kind
    if not address.is_global:
        # E.g. 100.64.0.0/10 (carrier-grade NAT): neither private nor reachable from outside.
        return "a non-public address"
    return None

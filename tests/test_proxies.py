"""Who a caller is behind proxies: only a trusted peer names the client, and only an address."""

from __future__ import annotations

import re

import httpx
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from graph.proxies import ForwardedFor, Network, forwarded_client, networks
from graph.settings import Settings

LOCAL = networks("127.0.0.1,::1")
CHAIN = networks("127.0.0.1, 10.0.0.0/8")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        # A peer we do not trust names nobody, however it writes the header.
        ("192.0.2.9", ["203.0.113.7"], LOCAL, "192.0.2.9"),
        ("127.0.0.1", ["203.0.113.7"], LOCAL, "203.0.113.7"),
        ("::1", ["2001:db8::7"], LOCAL, "2001:db8::7"),
        # The right-most entry our proxy wrote wins; what the client wrote before it is not read.
        ("127.0.0.1", ["198.51.100.1, 203.0.113.7"], LOCAL, "203.0.113.7"),
        # Trusted hops are walked past: the client is the first untrusted one from the right.
        ("127.0.0.1", ["198.51.100.1, 203.0.113.7, 10.1.2.3"], CHAIN, "203.0.113.7"),
        # Several headers are one list, in order.
        ("127.0.0.1", ["198.51.100.1", "203.0.113.7, 10.1.2.3"], CHAIN, "203.0.113.7"),
        # Ports and brackets are not part of the address.
        ("127.0.0.1", ["203.0.113.7:5678"], LOCAL, "203.0.113.7"),
        ("127.0.0.1", ["[2001:db8::7]:5678"], LOCAL, "2001:db8::7"),
        # Text that is no address is nobody: the client is the nearest hop that was one.
        ("127.0.0.1", ["garbage-not-ip"], LOCAL, "127.0.0.1"),
        ("127.0.0.1", ["203.0.113.7, unknown"], LOCAL, "127.0.0.1"),
        ("127.0.0.1", ["203.0.113.7, garbage, 10.1.2.3"], CHAIN, "10.1.2.3"),
        ("127.0.0.1", [""], LOCAL, "127.0.0.1"),
        # Every hop trusted: the left-most is the client (uvicorn's rule too).
        ("127.0.0.1", ["10.0.0.1, 10.0.0.2"], CHAIN, "10.0.0.1"),
        # A dual-stack listener's IPv4 peer is the IPv4 address the allow list names.
        ("::ffff:127.0.0.1", ["203.0.113.7"], LOCAL, "203.0.113.7"),
    ],
)
def test_the_client_is_the_right_most_untrusted_address(
    peer: str, forwarded: list[str], trusted: tuple[Network, ...], client: str
) -> None:
    assert forwarded_client(peer, forwarded, trusted) == client


def test_an_entry_that_is_neither_address_nor_network_stops_the_settings() -> None:
    with pytest.raises(
        ValidationError, match=re.escape("'10.0.0.1/8' is not an IP address or CIDR")
    ):
        Settings(forwarded_allow_ips="127.0.0.1, 10.0.0.1/8")
    with pytest.raises(ValidationError, match=re.escape("'proxy.internal' is not an IP address")):
        Settings(forwarded_allow_ips="proxy.internal")


def test_the_allow_list_defaults_to_loopback() -> None:
    assert Settings().trusted_proxies == networks("127.0.0.1/32, ::1/128")


async def test_the_middleware_rewrites_only_what_a_trusted_peer_forwards() -> None:
    async def whoami(request: Request) -> PlainTextResponse:
        assert request.client is not None
        return PlainTextResponse(request.client.host)

    app = Starlette(
        routes=[Route("/", whoami)], middleware=[Middleware(ForwardedFor, trusted=LOCAL)]
    )
    seen = []
    for peer in ("127.0.0.1", "192.0.2.9"):
        transport = httpx.ASGITransport(app=app, client=(peer, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            for forwarded in ("203.0.113.7", "garbage-not-ip"):
                answer = await http.get("/", headers={"X-Forwarded-For": forwarded})
                seen.append(answer.text)
    assert seen == ["203.0.113.7", "127.0.0.1", "192.0.2.9", "192.0.2.9"]

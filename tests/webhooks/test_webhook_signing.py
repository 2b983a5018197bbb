"""Signing per Standard Webhooks, and which addresses a webhook may call."""

from __future__ import annotations

import base64
import ipaddress
import time

import pytest
from fixtures.jobs import settings_for
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from graph.settings import Settings
from graph.webhooks import signing, targets


@pytest.fixture
def private_refused(database_url: str) -> Settings:
    return settings_for(database_url, WEBHOOK_ALLOW_PRIVATE="false")


def test_the_signature_matches_the_specifications_example() -> None:
    # The example the Standard Webhooks libraries test against.
    assert (
        signing.signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_new_secret_is_whsec_and_24_random_bytes() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 24
    assert signing.new_secret() != secret


def test_signed_headers_verify_with_the_reference_library_and_only_with_that_secret() -> None:
    secret, body = signing.new_secret(), '{"type":"post.published","data":{"slug":"æøå"}}'.encode()
    headers = signing.headers(secret, signing.new_message_id(), int(time.time()), body)
    assert Verifier(secret).verify(body, headers)["data"] == {"slug": "æøå"}
    with pytest.raises(WebhookVerificationError):
        Verifier(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Verifier(secret).verify(body + b" ", headers)


@pytest.mark.parametrize(
    "network",
    ["100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "192.0.2.0/24", "::/128"],
)
def test_no_address_python_calls_non_global_passes(network: str) -> None:
    block = ipaddress.ip_network(network)
    step = max(1, block.num_addresses // 64)
    for address in (block[i] for i in range(0, block.num_addresses, step)):
        assert not address.is_global or address in ipaddress.ip_network("192.0.0.0/24")
        assert targets.restricted_kind(address) is not None, address
        if address.version == 4:
            mapped = ipaddress.IPv6Address(f"::ffff:{address}")
            sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80))
            nat64 = ipaddress.IPv6Address(f"64:ff9b::{address}")
            for form in (mapped, sixtofour, nat64):
                assert targets.restricted_kind(form) is not None, form


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("192.168.1.10", "a private address"),
        ("172.16.0.5", "a private address"),
        ("fd12::1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a non-public address"),
        ("::ffff:127.0.0.1", "an IPv4-mapped form of a loopback address"),
        ("::ffff:10.0.0.1", "an IPv4-mapped form of a private address"),
        ("2002:7f00:1::", "a 6to4 form of a loopback address"),
        ("2002:a9fe:a9fe::1", "a 6to4 form of a link-local address"),
        ("64:ff9b::7f00:1", "a NAT64 form of a loopback address"),
        ("64:ff9b::a00:1", "a NAT64 form of a private address"),
        ("64:ff9b:1::808:808", "a local-use NAT64 address"),
        ("::127.0.0.1", "an IPv4-compatible form of a loopback address"),
        ("::10.0.0.1", "an IPv4-compatible form of a private address"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "a Teredo form of a loopback address"),
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "a private address"),
        ("192.0.0.8", "a special-purpose address"),
        ("192.0.0.10", "a special-purpose address"),
        ("198.18.0.1", "a special-purpose address"),
        ("100.127.255.254", "a non-public address"),
        ("255.255.255.255", "a reserved address"),
        ("::ffff:100.64.0.1", "an IPv4-mapped form of a non-public address"),
        ("2002:c000:0201::", "a 6to4 form of a private address"),
        ("::ffff:93.184.216.34", None),
        ("2002:5db8:d822::1", None),
        ("64:ff9b::5db8:d822", None),
        ("93.184.216.34", None),
        ("2a00:1450:4001:830::200e", None),
    ],
)
def test_each_kind_of_non_public_address_is_named(address: str, kind: str | None) -> None:
    assert targets.restricted_kind(ipaddress.ip_address(address)) == kind


async def test_a_public_address_passes_the_check(private_refused: Settings) -> None:
    target = await targets.check("https://93.184.216.34/hooks?site=1", private_refused)
    assert target == targets.Target(
        "https://93.184.216.34/hooks?site=1", address=ipaddress.ip_address("93.184.216.34")
    )


async def test_a_name_is_judged_by_what_it_resolves_to(private_refused: Settings) -> None:
    target = await targets.check("http://localhost:8080/hooks", private_refused)
    assert target.refusal is not None
    assert target.refusal.startswith("localhost resolves to ")
    assert "a loopback address" in target.refusal


async def test_a_name_that_does_not_resolve_is_refused_as_unresolved(
    private_refused: Settings,
) -> None:
    target = await targets.check("https://no-such-host.invalid/hooks", private_refused)
    assert target.refusal == "the host no-such-host.invalid cannot be resolved"
    assert target.unresolved


async def test_allowing_private_addresses_still_needs_a_name_that_resolves(
    database_url: str,
) -> None:
    settings = settings_for(database_url, WEBHOOK_ALLOW_PRIVATE="true")
    assert (await targets.check("http://127.0.0.1:9/", settings)).refusal is None
    assert (await targets.check("http://no-such-host.invalid/", settings)).unresolved

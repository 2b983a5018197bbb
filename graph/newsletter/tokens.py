"""Signed newsletter links: `subject.issued_at.signature`, nothing stored in the database.

The subject hides the subscriber's row id: `n` + base64url(nonce ‖ id XOR HMAC(key, nonce)),
so a link shows neither the id nor how many readers there are; tokens made before this
carry the id in digits and keep working. The signature is HMAC-SHA256 over
`purpose:subject:issued_at`, so a token made for one purpose (confirm) never works for
another (unsubscribe). The key is SECRET_KEY, or when that is empty a random key made once
and kept in the `site_secret` table.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from tortoise import timezone

from graph import models
from graph.read import sql

CONFIRM_VALID_FOR = dt.timedelta(days=7)
# Tokens dated ahead of our clock by more than this were not made by us (or the clock jumped).
CLOCK_SKEW = dt.timedelta(minutes=5)
# Real tokens are about 60 characters; anything far longer is not worth hashing.
MAX_TOKEN_CHARS = 200
MAX_NUMBER_DIGITS = 12
SITE_SECRET_ID = 1
OPAQUE_PREFIX = "n"
NONCE_BYTES = ID_BYTES = 8


class Purpose(StrEnum):
    """What a link does; part of what is signed."""

    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"


class InvalidToken(Exception):
    """The token is malformed, forged, made for another purpose, or expired."""


@dataclass(frozen=True)
class Signer:
    """Makes and reads tokens with one key."""

    key: bytes

    def token(
        self, purpose: Purpose, subscriber_id: int, issued_at: dt.datetime | None = None
    ) -> str:
        """A URL-safe token for `purpose` and the subscriber, dated `issued_at` (default now)."""
        issued = int((issued_at or timezone.now()).timestamp())
        subject = self._hide(subscriber_id)
        return f"{subject}.{issued}.{self._signature(purpose, subject, issued)}"

    def subscriber_id(self, token: str, purpose: Purpose, now: dt.datetime | None = None) -> int:
        """The subscriber a valid token names; InvalidToken otherwise."""
        subject, issued, signature = _parts(token)
        expected = self._signature(purpose, subject, issued)
        if not hmac.compare_digest(signature, expected):
            raise InvalidToken("bad signature")
        _check_age(purpose, issued, now or timezone.now())
        return int(subject) if subject.isdigit() else self._reveal(subject)

    def _signature(self, purpose: Purpose, subject: str, issued: int) -> str:
        message = f"{purpose.value}:{subject}:{issued}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return _b64(digest)

    def _mask(self, nonce: bytes) -> int:
        pad = hmac.new(self.key, b"subscriber-id:" + nonce, hashlib.sha256).digest()
        return int.from_bytes(pad[:ID_BYTES])

    def _hide(self, subscriber_id: int) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        masked = (subscriber_id ^ self._mask(nonce)).to_bytes(ID_BYTES)
        return OPAQUE_PREFIX + _b64(nonce + masked)

    def _reveal(self, subject: str) -> int:
        # Only reached with a valid signature: the subject is one we made.
        raw = base64.urlsafe_b64decode(subject[len(OPAQUE_PREFIX) :] + "==")
        nonce, masked = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        return int.from_bytes(masked) ^ self._mask(nonce)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _parts(token: str) -> tuple[str, int, str]:
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken("too long")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise InvalidToken("not three parts")
    subject, issued, signature = parts
    numbers = [issued] if subject.startswith(OPAQUE_PREFIX) else [subject, issued]
    for number in numbers:
        # isdigit() alone accepts other scripts' digits; int() would then read them.
        if not (number.isascii() and number.isdigit() and len(number) <= MAX_NUMBER_DIGITS):
            raise InvalidToken("not a number")
    return subject, int(issued), signature


def _check_age(purpose: Purpose, issued: int, now: dt.datetime) -> None:
    issued_at = dt.datetime.fromtimestamp(issued, dt.UTC)
    if issued_at > now + CLOCK_SKEW:
        raise InvalidToken("issued in the future")
    if purpose is Purpose.CONFIRM and now - issued_at > CONFIRM_VALID_FOR:
        raise InvalidToken("expired")


async def signer(configured: str) -> Signer:
    """A signer with the site's key: `configured` (SECRET_KEY), else, when it is empty, the
    key kept in the database."""
    if configured:
        return Signer(configured.encode())
    return Signer(await _site_key())


async def _site_key() -> bytes:
    row = await models.SiteSecret.get_or_none(id=SITE_SECRET_ID)
    if row is None:
        # Two processes may both find no key: the insert that loses does nothing, and both
        # then read the winner's key.
        await sql.execute(
            "INSERT INTO site_secret (id, key) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            [SITE_SECRET_ID, secrets.token_urlsafe(48)],
        )
        row = await models.SiteSecret.get(id=SITE_SECRET_ID)
    return row.key.encode()

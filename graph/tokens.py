"""API tokens: created once and shown once, stored only as a SHA-256 hash, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from tortoise import timezone

from graph import models, reconnect

PREFIX = "graph_"
# A token's name is who wrote what (revisions, staged edits, the baton): this long at most.
MAX_NAME_CHARS = 100
# A request writes `last_used_at` at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """A token command that cannot be done (duplicate name, unknown token, bad role)."""


@dataclass(frozen=True)
class Viewer:
    """Who a valid token belongs to, and what it may do."""

    id: int
    name: str
    role: models.Role

    def may(self, role: models.Role) -> bool:
        """Whether this viewer holds `role` (an admin may do all an editor may)."""
        return self.role is models.Role.ADMIN or self.role is role


def token_hash(token: str) -> str:
    """The stored form of a token. Tokens are 256 random bits, so a plain SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(name: str, role: models.Role) -> str:
    """Store a new token's hash under `name`; return the token (the only time it exists)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise TokenError(f"a token name needs 1 to {MAX_NAME_CHARS} characters")
    if await models.ApiToken.exists(name=name):
        raise TokenError(f"a token named {name!r} exists already")
    token = PREFIX + secrets.token_urlsafe(32)
    await models.ApiToken.create(name=name, role=role, token_hash=token_hash(token))
    return token


async def list_tokens() -> list[models.ApiToken]:
    """Every token, revoked ones included, oldest first."""
    return await models.ApiToken.all().order_by("created_at", "id")


async def revoke_token(name: str) -> None:
    """Revoke the token called `name`; it stops working on the next request."""
    updated = await models.ApiToken.filter(name=name, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise TokenError(f"no active token named {name!r}")


async def authenticate(token: str) -> Viewer | None:
    """The viewer a presented token stands for; None when it is unknown or revoked.

    Every request with a token starts here, so a pooled connection that died while idle
    would fail the request: the lookup runs once more on a fresh connection. The whole of
    it is safe to repeat (a read, and an update of `last_used_at` to about now).
    """
    return await reconnect.once_more(lambda: _authenticate(token), "token lookup")


async def _authenticate(token: str) -> Viewer | None:
    row = await models.ApiToken.get_or_none(token_hash=token_hash(token), revoked_at=None)
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        await models.ApiToken.filter(id=row.id).update(last_used_at=now)
    return Viewer(id=row.id, name=row.name, role=models.Role(row.role))

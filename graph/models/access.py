"""Who may write: API tokens and their roles, and the site's own signing key."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    """What an API token may do: editors write content, admins also manage the site."""

    EDITOR = "editor"
    ADMIN = "admin"


class ApiToken(Model):
    """A named API credential, stored as the SHA-256 of the token (never the token)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class SiteSecret(Model):
    """A random key made on first use when SECRET_KEY is unset: signs newsletter links."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=128)

    class Meta:
        table = "site_secret"

"""Preview links: secret, expiring links to one post as it would look published.

A link's token is 256 random bits shown once; only its SHA-256 is stored (as with API
tokens). Each link opens its own post only, until it expires or its post's links are revoked.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from graph import clock, models
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound
from graph.settings import Settings
from graph.tokens import token_hash

PREFIX = "preview_"
# Ours are the prefix and 43 characters; anything much longer is not looked up at all.
MAX_TOKEN_CHARS = 100
MIN_HOURS = 1
MAX_HOURS = 720  # 30 days


@dataclass(frozen=True)
class NewLink:
    """A link just made: the token and URL exist only in this answer."""

    token: str
    url: str
    expires_at: dt.datetime


async def create_link(
    actor: str, post_id: int, expires_in_hours: int, settings: Settings
) -> NewLink:
    """A new preview link to the post, valid for `expires_in_hours` (its address made with
    `settings`' URL templates)."""
    post = await models.Post.get_or_none(id=post_id).select_related("relay")
    if post is None:
        raise NotFound("post", post_id)
    checks = Checks()
    if not MIN_HOURS <= expires_in_hours <= MAX_HOURS:
        checks.fail(
            ["expiresInHours"],
            f"must be between {MIN_HOURS} and {MAX_HOURS} hours",
            Code.OUT_OF_RANGE,
        )
    checks.done()
    token = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    expires_at = now + dt.timedelta(hours=expires_in_hours)
    await models.PreviewLink.create(
        post_id=post.id,
        token_hash=token_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=expires_at,
    )
    return NewLink(token, preview_url(post.relay.slug, post.slug, token, settings), expires_at)


async def revoke_links(post_id: int) -> int:
    """Revoke every live link of the post; how many were revoked."""
    if not await models.Post.exists(id=post_id):
        raise NotFound("post", post_id)
    return await models.PreviewLink.filter(post_id=post_id, revoked_at=None).update(
        revoked_at=clock.now()
    )


def preview_url(relay: str, post: str, token: str, settings: Settings) -> str:
    """The frontend's preview address: PREVIEW_URL_TEMPLATE, or the post's page with
    `?preview=<token>` when it is unset."""
    template = settings.preview_url_template
    if not template:
        page = settings.post_url_template
        template = page + ("&" if "?" in page else "?") + "preview={token}"
    return template.format(relay=relay, post=post, token=token)


def well_formed(token: str) -> bool:
    """Whether a presented token could be one of ours (others are not looked up)."""
    return token.startswith(PREFIX) and len(token) <= MAX_TOKEN_CHARS

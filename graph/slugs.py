"""Site-wide unique slugs for new rows: the Danish slug of a title, `-2`, `-3` … on a clash."""

from __future__ import annotations

from graph import models
from graph.danish import slugify

FALLBACK = "indlaeg"


async def unique_post_slug(title: str) -> str:
    """A free post slug for this title (`indlaeg` when the title has no letters or digits)."""
    base = slugify(title) or FALLBACK
    candidate, suffix = base, 1
    while await models.Post.exists(slug=candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate

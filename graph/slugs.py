"""Unique slugs for new rows: the Danish slug of a title, `-2`, `-3` … on a clash."""

from __future__ import annotations

from tortoise.models import Model

from graph import models
from graph.danish import slugify

FALLBACK = "indlaeg"


async def unique_slug(model: type[Model], text: str, fallback: str) -> str:
    """A slug for `text` that no row of `model` has yet (`fallback` when it has no letters)."""
    base = slugify(text) or fallback
    candidate, suffix = base, 1
    while await model.exists(slug=candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


async def unique_post_slug(title: str) -> str:
    """A free post slug for this title (`indlaeg` when the title has no letters or digits)."""
    return await unique_slug(models.Post, title, FALLBACK)

"""Unique slugs for new rows: the Danish slug of a title, `-2`, `-3` … on a clash."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from tortoise.models import Model

from graph import models
from graph.danish import slugify

FALLBACK = "indlaeg"


def candidates(base: str) -> Iterator[str]:
    """`base`, then `base-2`, `base-3` … for as long as the caller asks."""
    yield base
    for suffix in itertools.count(2):
        yield f"{base}-{suffix}"


async def unique_slug(model: type[Model], text: str, fallback: str) -> str:
    """A slug for `text` that no row of `model` has yet (`fallback` when it has no letters)."""
    for candidate in candidates(slugify(text) or fallback):
        if not await model.exists(slug=candidate):
            return candidate
    raise AssertionError("unreachable: candidates() never ends")


async def unique_post_slug(title: str) -> str:
    """A free post slug for this title (`indlaeg` when the title has no letters or digits)."""
    return await unique_slug(models.Post, title, FALLBACK)

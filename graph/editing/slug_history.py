"""Old slugs: kept when an object's slug changes, so lookups by them still find it.

Each function runs in the caller's transaction, so a rename and its history row commit
together. One row per (kind, slug): an old slug leads to the object that had it last. A live
slug is never also an old slug of its own object; another object may take it (and wins).
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise import timezone

from graph import models

Kind = models.SlugKind
KIND_OF = {
    models.Relay: Kind.RELAY,
    models.Post: Kind.POST,
    models.Author: Kind.AUTHOR,
    models.Organization: Kind.ORGANIZATION,
    models.Category: Kind.CATEGORY,
}


async def retire(kind: Kind, object_id: int, old: str, new: str) -> None:
    """The object's slug went from `old` to `new`: keep `old` leading to it."""
    if old == new:
        return
    # Renaming back to an old slug: it is live again, no longer an old one.
    await models.SlugHistory.filter(kind=kind, slug=new, object_id=object_id).delete()
    await models.SlugHistory.filter(kind=kind, slug=old).delete()
    await models.SlugHistory.create(
        kind=kind, object_id=object_id, slug=old, retired_at=timezone.now()
    )


async def restore(kind: Kind, object_id: int, live_slug: str, slugs: Iterable[str]) -> int:
    """Add old slugs an export carried; one another object already keeps stays with it.

    Returns how many were added (none on a second import of the same data).
    """
    wanted = [slug for slug in dict.fromkeys(slugs) if slug != live_slug]
    if not wanted:
        return 0
    taken = await models.SlugHistory.filter(kind=kind, slug__in=wanted).values("slug")
    kept = {row["slug"] for row in taken}
    now = timezone.now()
    new = [
        models.SlugHistory(kind=kind, object_id=object_id, slug=slug, retired_at=now)
        for slug in wanted
        if slug not in kept
    ]
    if new:
        await models.SlugHistory.bulk_create(new)
    return len(new)

"""`previousSlugs`: the old slugs that still lead to an object, for redirects and exports."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.request.context import Info
from graph.request.loaders import MAX_PREVIOUS_SLUGS

DESCRIPTION = (
    f"Slugs this object had before, newest first (at most {MAX_PREVIOUS_SLUGS}). Lookups by "
    "any of them find it; answer them with a redirect to `slug`."
)


def previous_slugs_field(kind: str) -> Any:
    """The `previousSlugs` field of a type whose objects are rows of `kind` (a table)."""

    async def previous_slugs(root: Any, info: Info) -> list[str]:
        rows = await info.context.loaders.previous_slugs(kind).load(root.pk)
        return [row["slug"] for row in rows]

    return strawberry.field(resolver=previous_slugs, description=DESCRIPTION)

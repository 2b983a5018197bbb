"""Helpers shared by the simple records (relays, authors, organisations, categories)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from graph import events, models
from graph.cache import invalidation
from graph.danish import slugify
from graph.editing import slug_history
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound, SlugTaken, VersionConflict

Versioned = TypeVar(
    "Versioned", models.Relay, models.Author, models.Organization, models.Post, models.Webhook
)
Slugged = TypeVar(
    "Slugged", models.Relay, models.Author, models.Organization, models.Category, models.Post
)


async def locked(model: type[Versioned], kind: str, pk: int, expected_version: int) -> Versioned:
    """The row, locked for this transaction, if the caller saw its current version."""
    row = await model.select_for_update().get_or_none(id=pk)
    if row is None:
        raise NotFound(kind, pk)
    if row.version != expected_version:
        raise VersionConflict(kind, row.version)
    return row


def new_slug(checks: Checks, given: str | None, name: str | None) -> str:
    """The given slug, or one made from the name (a failure recorded if neither works)."""
    checks.slug(["slug"], given)
    slug = given or slugify(name or "")
    if not slug and name and name.strip():
        checks.fail(
            ["slug"], "the name has no letters to make a slug from; give one", Code.REQUIRED
        )
    return slug


async def ids_by_slug(model: type[Slugged], slugs: Iterable[str]) -> dict[str, int]:
    """The ids of the rows with these slugs, by slug; unknown slugs are simply absent."""
    wanted = set(slugs)
    if not wanted:
        return {}
    return dict(await model.filter(slug__in=wanted).values_list("slug", "id"))


async def ensure_free_slug(model: type[Slugged], kind: str, slug: str, pk: int | None) -> None:
    """Raise SlugTaken when another row of the model has this slug."""
    if await model.filter(slug=slug).exclude(id=pk or 0).exists():
        raise SlugTaken(kind, slug)


async def save_changes(row: Versioned, values: Mapping[str, Any]) -> Versioned:
    """Set the values; if any differs, bump the version and save. Same values write nothing."""
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    if changed:
        old_slug: str = getattr(row, "slug", "")
        for name, value in changed.items():
            setattr(row, name, value)
        row.version += 1
        await row.save()
        if "slug" in changed:
            kind = slug_history.KIND_OF[type(row)]
            await slug_history.retire(kind, row.id, old_slug, changed["slug"])
        await events.updated(row)
        await invalidation.row_updated(row)
    return row

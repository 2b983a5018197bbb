"""Writing relays and categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from graph import events, models
from graph.cache import invalidation
from graph.danish import sort_key
from graph.editing import slug_history
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound
from graph.editing.records import ensure_free_slug, locked, new_slug, save_changes

MAX_TITLE = 300
MAX_INTRO = 10_000
MAX_NAME = 200
# Categories are a plain list in the API (`categories`), so their number is bounded here.
MAX_CATEGORIES = 100

# API field name -> model attribute, for the fields an editor may set on a relay.
RELAY_FIELDS = {
    "title": "title",
    "slug": "slug",
    "intro": "intro",
    "status": "status",
    "startedOn": "started_on",
    "endedOn": "ended_on",
}


def _check_relay(checks: Checks, fields: Mapping[str, Any], creating: bool) -> None:
    if creating or "title" in fields:
        checks.text(["title"], fields.get("title"), MAX_TITLE, required=True)
    checks.text(["intro"], fields.get("intro"), MAX_INTRO)


def _check_dates(checks: Checks, started_on: dt.date | None, ended_on: dt.date | None) -> None:
    if started_on and ended_on and ended_on < started_on:
        checks.fail(["endedOn"], "must not be before startedOn", Code.INVALID)


async def create_relay(fields: Mapping[str, Any]) -> models.Relay:
    """A new relay; its slug is made from the title unless given."""
    checks = Checks()
    _check_relay(checks, fields, creating=True)
    slug = new_slug(checks, fields.get("slug"), fields.get("title"))
    values = {RELAY_FIELDS[name]: value for name, value in fields.items() if value is not None}
    relay = models.Relay(**{**values, "slug": slug, "title": fields["title"].strip()})
    _check_dates(checks, relay.started_on, relay.ended_on)
    checks.done()
    await ensure_free_slug(models.Relay, "relay", slug, None)
    await relay.save()
    await events.saved(events.EventType.RELAY_CREATED, relay)
    await invalidation.row_created(relay)
    return relay


async def update_relay(
    relay_id: int, expected_version: int, fields: Mapping[str, Any]
) -> models.Relay:
    """Change a relay's fields; unchanged input writes nothing."""
    relay = await locked(models.Relay, "relay", relay_id, expected_version)
    checks = Checks()
    _check_relay(checks, fields, creating=False)
    checks.slug(["slug"], fields.get("slug"))
    checks.not_null(fields, "slug", "status")
    values = {RELAY_FIELDS[name]: value for name, value in fields.items()}
    started_on = values.get("started_on", relay.started_on)
    _check_dates(checks, started_on, values.get("ended_on", relay.ended_on))
    checks.done()
    if "title" in values:
        values["title"] = values["title"].strip()
    if values.get("slug") is not None:
        await ensure_free_slug(models.Relay, "relay", values["slug"], relay.id)
    if "intro" in values:
        values["intro"] = values["intro"] or ""
    return await save_changes(relay, values)


async def check_room_for_categories(new: int, path: list[str | int]) -> None:
    """Refuse categories past MAX_CATEGORIES: the site's category list has a fixed bound."""
    if new and await models.Category.all().count() + new > MAX_CATEGORIES:
        checks = Checks()
        checks.fail(path, f"a site has at most {MAX_CATEGORIES} categories", Code.TOO_MANY)
        checks.done()


async def create_category(name: str, slug: str | None) -> models.Category:
    """A new category; its slug is made from the name unless given."""
    checks = Checks()
    checks.text(["name"], name, MAX_NAME, required=True)
    slug = new_slug(checks, slug, name)
    checks.done()
    await check_room_for_categories(1, ["name"])
    await ensure_free_slug(models.Category, "category", slug, None)
    category = await models.Category.create(slug=slug, name=name.strip(), sort_key=sort_key(name))
    await events.saved(events.EventType.CATEGORY_CREATED, category)
    await invalidation.row_created(category)
    return category


async def update_category(current_slug: str, fields: Mapping[str, Any]) -> models.Category:
    """Change a category's name or slug (it is named by its slug); same values write nothing.

    The old slug is kept, so lookups and post filters by it still find the category.
    """
    category = await models.Category.select_for_update().get_or_none(slug=current_slug)
    if category is None:
        raise NotFound("category", repr(current_slug))
    checks = Checks()
    checks.not_null(fields, "name", "slug")
    if fields.get("name") is not None:
        checks.text(["name"], fields["name"], MAX_NAME, required=True)
    checks.slug(["slug"], fields.get("slug"))
    checks.done()
    values: dict[str, Any] = {}
    if fields.get("name") is not None:
        values = {"name": fields["name"].strip(), "sort_key": sort_key(fields["name"])}
    if fields.get("slug") is not None:
        await ensure_free_slug(models.Category, "category", fields["slug"], category.id)
        values["slug"] = fields["slug"]
    changed = {name: value for name, value in values.items() if getattr(category, name) != value}
    if not changed:
        return category
    old_slug = category.slug
    category.update_from_dict(changed)
    await category.save()
    await slug_history.retire(slug_history.Kind.CATEGORY, category.id, old_slug, category.slug)
    await invalidation.row_updated(category)
    return category

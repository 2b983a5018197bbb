"""Writing authors, organisations, and the affiliations between them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graph import models
from graph.cache import invalidation
from graph.danish import sort_key
from graph.editing.checks import Checks, Path
from graph.editing.errors import Code
from graph.editing.records import ensure_free_slug, ids_by_slug, locked, new_slug, save_changes

MAX_NAME = 300
MAX_BIO = 5000
MAX_SHORT_NAME = 100
MAX_ROLE = 300
MAX_AFFILIATIONS = 50
MAX_EMAIL = 320

AUTHOR_FIELDS = {"name": "name", "slug": "slug", "bio": "bio", "email": "email"}
ORGANIZATION_FIELDS = {"name": "name", "slug": "slug", "shortName": "short_name", "kind": "kind"}

# Deliberately plain ASCII: a dot-atom local part and a dotted host name. Nothing that could
# end or extend a mail header (spaces, commas, angle brackets, quotes) gets through.
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)


def _check_person(
    checks: Checks, fields: Mapping[str, Any], creating: bool, texts: Mapping[str, int]
) -> None:
    if creating or "name" in fields:
        checks.text(["name"], fields.get("name"), MAX_NAME, required=True)
    for name, limit in texts.items():
        checks.text([name], fields.get(name), limit)
    if not creating:
        checks.slug(["slug"], fields.get("slug"))
        checks.not_null(fields, "slug")


def checked_email(checks: Checks, path: Path, value: str | None) -> str | None:
    """The address as stored (trimmed, domain in lower case), or None to clear it.

    A bad address is recorded in `checks`; an empty one clears the address like null.
    """
    address = (value or "").strip()
    if not address:
        return None
    local, _, domain = address.rpartition("@")
    if len(address) > MAX_EMAIL:
        checks.fail(path, f"must be at most {MAX_EMAIL} characters", Code.TOO_LONG)
    elif len(local) > 64 or not _EMAIL_RE.fullmatch(address):
        checks.fail(path, "must be an e-mail address such as navn@eksempel.dk", Code.INVALID)
    return f"{local}@{domain.lower()}"


def _values(fields: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    values = {names[name]: value for name, value in fields.items()}
    if values.get("name") is not None:
        values["name"] = values["name"].strip()
        values["sort_key"] = sort_key(values["name"])
    return values


async def create_author(fields: Mapping[str, Any]) -> models.Author:
    """A new author; the slug is made from the name unless given."""
    checks = Checks()
    _check_person(checks, fields, True, {"bio": MAX_BIO})
    email = checked_email(checks, ["email"], fields.get("email"))
    slug = new_slug(checks, fields.get("slug"), fields.get("name"))
    checks.done()
    await ensure_free_slug(models.Author, "author", slug, None)
    values = _values(fields, AUTHOR_FIELDS)
    values["bio"] = values.get("bio") or ""
    values["email"] = email
    author = await models.Author.create(**{**values, "slug": slug})
    await invalidation.row_created(author)
    return author


async def update_author(
    author_id: int, expected_version: int, fields: Mapping[str, Any]
) -> models.Author:
    """Change an author's name, slug, bio or e-mail; unchanged input writes nothing."""
    author = await locked(models.Author, "author", author_id, expected_version)
    checks = Checks()
    _check_person(checks, fields, False, {"bio": MAX_BIO})
    email = checked_email(checks, ["email"], fields.get("email"))
    checks.done()
    values = _values(fields, AUTHOR_FIELDS)
    if "email" in values:
        values["email"] = email
    if "slug" in values:
        await ensure_free_slug(models.Author, "author", values["slug"], author.id)
    if "bio" in values:
        values["bio"] = values["bio"] or ""
    return await save_changes(author, values)


async def create_organization(fields: Mapping[str, Any]) -> models.Organization:
    """A new organisation; the slug is made from the name unless given."""
    checks = Checks()
    _check_person(checks, fields, True, {"shortName": MAX_SHORT_NAME})
    slug = new_slug(checks, fields.get("slug"), fields.get("name"))
    checks.done()
    await ensure_free_slug(models.Organization, "organisation", slug, None)
    values = _values(fields, ORGANIZATION_FIELDS)
    values["kind"] = values.get("kind") or models.OrganizationKind.OTHER
    organization = await models.Organization.create(**{**values, "slug": slug})
    await invalidation.row_created(organization)
    return organization


async def update_organization(
    organization_id: int, expected_version: int, fields: Mapping[str, Any]
) -> models.Organization:
    """Change an organisation; unchanged input writes nothing."""
    organization = await locked(
        models.Organization, "organisation", organization_id, expected_version
    )
    checks = Checks()
    _check_person(checks, fields, False, {"shortName": MAX_SHORT_NAME})
    checks.not_null(fields, "kind")
    checks.done()
    values = _values(fields, ORGANIZATION_FIELDS)
    if "slug" in values:
        await ensure_free_slug(models.Organization, "organisation", values["slug"], organization.id)
    return await save_changes(organization, values)


async def set_affiliations(
    author_id: int, expected_version: int, affiliations: list[tuple[str, str | None]]
) -> models.Author:
    """Replace an author's affiliations with (organisation slug, role) pairs, in order."""
    author = await locked(models.Author, "author", author_id, expected_version)
    checks = Checks()
    checks.count(["affiliations"], affiliations, MAX_AFFILIATIONS)
    slugs = [slug for slug, _ in affiliations]
    found = await ids_by_slug(models.Organization, slugs)
    for index, (slug, role) in enumerate(affiliations):
        path: list[str | int] = ["affiliations", index]
        if slug not in found:
            checks.fail([*path, "organization"], f"no organisation {slug!r}", Code.UNKNOWN)
        if slug in slugs[:index]:
            checks.fail([*path, "organization"], "names the organisation twice", Code.DUPLICATE)
        checks.text([*path, "role"], role, MAX_ROLE)
    checks.done()
    current = (
        await models.Affiliation.filter(author_id=author.id)
        .order_by("position")
        .values_list("organization_id", "role")
    )
    wanted = [(found[slug], role or None) for slug, role in affiliations]
    if [tuple(row) for row in current] == wanted:
        return author
    await models.Affiliation.filter(author_id=author.id).delete()
    await models.Affiliation.bulk_create(
        [
            models.Affiliation(
                author_id=author.id, organization_id=org_id, role=role, position=position
            )
            for position, (org_id, role) in enumerate(wanted)
        ]
    )
    author.version += 1
    await author.save()
    changed = {org_id for org_id, _ in current} | {org_id for org_id, _ in wanted}
    await invalidation.affiliations_changed(author.id, changed)
    return author

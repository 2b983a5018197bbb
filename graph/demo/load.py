"""Loads the demo relay (the seed's Lederskabs-stafetten page) in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from graph import db, models
from graph.danish import slugify
from graph.demo.listing import Listing, ListingEntry, parse_listing
from graph.editing.imports import (
    AuthorSpec,
    CategorySpec,
    ImportSpec,
    OrganizationSpec,
    PostSpec,
    RelaySpec,
    import_relay,
)
from graph.editing.posts import BylineSpec
from graph.slugs import FALLBACK, candidates

DATA = Path(__file__).parent / "data"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Revisions of demo posts name this as their author.
DEMO_ACTOR = "demo-loader"


class DemoDataError(ValueError):
    """The bylines file does not fit the listing page."""


@dataclass(frozen=True)
class LoadResult:
    """What a load did: the relay's slug and how many posts it created (0 if present)."""

    relay_slug: str
    posts_created: int


PAGE = DATA / "lederskabs-stafetten.txt"
BYLINES = DATA / "bylines.json"


def read_demo(page: Path = PAGE, bylines_file: Path = BYLINES) -> tuple[Listing, dict[str, Any]]:
    """Parse the page and its bylines file, validating both before anything is written."""
    listing = parse_listing(page.read_text(encoding="utf-8"))
    try:
        bylines = json.loads(bylines_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DemoDataError(f"{bylines_file.name}: line {error.lineno}: {error.msg}") from error
    _check_bylines(bylines, {entry.title for entry in listing.entries})
    return listing, bylines


def _check_bylines(data: Any, titles: set[str]) -> None:
    """Refuse a bylines file that does not fit the page, naming what is wrong."""
    if not isinstance(data, dict) or not {"organizations", "bylines"} <= data.keys():
        raise DemoDataError("bylines file: needs 'organizations' and 'bylines'")
    kinds = {kind.value for kind in models.OrganizationKind}
    for org in data["organizations"]:
        if not org.get("name") or org.get("kind") not in kinds:
            raise DemoDataError(f"organisation {org!r}: needs a name and a kind of {sorted(kinds)}")
    unknown = sorted(set(data["bylines"]) - titles)
    if unknown:
        raise DemoDataError(f"bylines name posts the page does not have: {unknown}")
    organizations = {org["name"] for org in data["organizations"]}
    for title, byline in data["bylines"].items():
        if not {"author", "role", "organization"} <= byline.keys():
            raise DemoDataError(f"{title!r}: a byline needs author, role and organization")
        if byline["organization"] not in (None, *organizations):
            raise DemoDataError(f"{title!r}: unknown organisation {byline['organization']!r}")


def published_at(entry: ListingEntry) -> dt.datetime:
    """The page prints a date only: midnight in Copenhagen on that day."""
    return dt.datetime.combine(entry.published_on, dt.time(), tzinfo=COPENHAGEN)


def listing_spec(listing: Listing, bylines: dict[str, Any]) -> ImportSpec:
    """The import of a listing page and its bylines file (both already validated)."""
    organizations = {
        org["name"]: OrganizationSpec(
            slug=slugify(org["name"]),
            name=org["name"],
            short_name=org.get("short"),
            kind=models.OrganizationKind(org["kind"]),
        )
        for org in bylines["organizations"]
    }
    return ImportSpec(
        relay=RelaySpec(
            slug=slugify(listing.title),
            title=listing.title,
            intro=listing.intro,
            started_on=min(entry.published_on for entry in listing.entries),
        ),
        categories=tuple(
            CategorySpec(slug=slugify(name), name=name)
            for name in dict.fromkeys(entry.category for entry in listing.entries)
        ),
        organizations=tuple(organizations.values()),
        authors=_authors(bylines["bylines"], organizations),
        posts=_posts(listing, bylines["bylines"], organizations),
    )


def _authors(
    bylines: dict[str, dict[str, Any]], organizations: dict[str, OrganizationSpec]
) -> tuple[AuthorSpec, ...]:
    """One author per byline name, affiliated with the organisations their bylines give."""
    affiliations: dict[str, dict[str, str | None]] = {}
    for byline in bylines.values():
        if byline["author"] is None:
            continue
        orgs = affiliations.setdefault(byline["author"], {})
        if byline["organization"] is not None:
            orgs.setdefault(organizations[byline["organization"]].slug, byline["role"])
    return tuple(
        AuthorSpec(slug=slugify(name), name=name, affiliations=tuple(orgs.items()))
        for name, orgs in affiliations.items()
    )


def _posts(
    listing: Listing,
    bylines: dict[str, dict[str, Any]],
    organizations: dict[str, OrganizationSpec],
) -> tuple[PostSpec, ...]:
    # The page lists newest first; posts are created oldest first, so ids follow legs.
    oldest_first = sorted(listing.entries, key=lambda entry: entry.published_on)
    slugs: set[str] = set()
    specs = []
    for entry in oldest_first:
        byline = bylines.get(entry.title, {"author": None})
        specs.append(
            PostSpec(
                slug=_free(slugify(entry.title) or FALLBACK, slugs),
                title=entry.title,
                body=entry.teaser,
                teaser=entry.teaser,
                category=slugify(entry.category),
                bylines=_byline(byline, organizations),
                published_at=published_at(entry),
            )
        )
    return tuple(specs)


def _byline(
    byline: dict[str, Any], organizations: dict[str, OrganizationSpec]
) -> tuple[BylineSpec, ...]:
    if byline["author"] is None:
        return ()
    organization = organizations.get(byline["organization"] or "")
    return (
        BylineSpec(
            author=slugify(byline["author"]),
            role=byline["role"],
            organization=organization.slug if organization else None,
        ),
    )


def _free(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3` … if the import uses it already."""
    free = next(candidate for candidate in candidates(slug) if candidate not in taken)
    taken.add(free)
    return free


async def load_demo(
    max_body_chars: int, page: Path = PAGE, bylines_file: Path = BYLINES
) -> LoadResult:
    """Load the demo relay unless it is there already; all or nothing (its posts are held
    to MAX_BODY_CHARS like any import)."""
    listing, bylines = read_demo(page, bylines_file)
    async with db.transaction():
        spec = listing_spec(listing, bylines)
        result = await import_relay(DEMO_ACTOR, spec, max_body_chars)
    return LoadResult(result.relay.slug, result.created["posts"])

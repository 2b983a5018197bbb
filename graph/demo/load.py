"""Loads the demo relay (the seed's Lederskabs-stafetten page) in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from graph import models
from graph.content import render_markdown
from graph.danish import slugify, sort_key
from graph.demo.listing import Listing, ListingEntry, parse_listing
from graph.search_index import reindex_posts
from graph.slugs import unique_post_slug

DATA = Path(__file__).parent / "data"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


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


async def load_demo(page: Path = PAGE, bylines_file: Path = BYLINES) -> LoadResult:
    """Load the demo relay unless it is there already; all or nothing."""
    listing, bylines = read_demo(page, bylines_file)
    slug = slugify(listing.title)
    async with in_transaction():
        if await models.Relay.exists(slug=slug):
            return LoadResult(slug, 0)
        relay = await models.Relay.create(
            slug=slug,
            title=listing.title,
            intro=listing.intro,
            status=models.RelayStatus.ACTIVE,
            started_on=min(entry.published_on for entry in listing.entries),
        )
        organizations = await _organizations(bylines["organizations"])
        posts = await _posts(relay, listing)
        await _bylines(posts, bylines["bylines"], organizations)
        await reindex_posts(post.id for post in posts.values())
    return LoadResult(slug, len(posts))


async def _organizations(entries: list[dict[str, Any]]) -> dict[str, models.Organization]:
    found: dict[str, models.Organization] = {}
    for entry in entries:
        organization, _ = await models.Organization.get_or_create(
            slug=slugify(entry["name"]),
            defaults={
                "name": entry["name"],
                "short_name": entry.get("short"),
                "kind": models.OrganizationKind(entry["kind"]),
                "sort_key": sort_key(entry["name"]),
            },
        )
        found[entry["name"]] = organization
    return found


async def _category(name: str) -> models.Category:
    category, _ = await models.Category.get_or_create(
        slug=slugify(name), defaults={"name": name, "sort_key": sort_key(name)}
    )
    return category


async def _posts(relay: models.Relay, listing: Listing) -> dict[str, models.Post]:
    # The page lists newest first; legs count from the oldest post.
    oldest_first = sorted(listing.entries, key=lambda entry: entry.published_on)
    posts: dict[str, models.Post] = {}
    for leg, entry in enumerate(oldest_first, start=1):
        posts[entry.title] = await models.Post.create(
            relay=relay,
            slug=await unique_post_slug(entry.title),
            title=entry.title,
            teaser=entry.teaser,
            body=entry.teaser,
            html=render_markdown(entry.teaser),
            category=await _category(entry.category),
            status=models.PostStatus.PUBLISHED,
            published_at=published_at(entry),
            leg=leg,
        )
    return posts


async def _bylines(
    posts: dict[str, models.Post],
    bylines: dict[str, dict[str, Any]],
    organizations: dict[str, models.Organization],
) -> None:
    for title, byline in bylines.items():
        if byline["author"] is None:
            continue
        author, _ = await models.Author.get_or_create(
            slug=slugify(byline["author"]),
            defaults={"name": byline["author"], "sort_key": sort_key(byline["author"])},
        )
        organization = organizations.get(byline["organization"] or "")
        await models.Byline.create(
            post=posts[title],
            position=1,
            author=author,
            role=byline["role"],
            organization=organization,
        )
        if organization is not None:
            await models.Affiliation.get_or_create(
                author=author, organization=organization, defaults={"role": byline["role"]}
            )

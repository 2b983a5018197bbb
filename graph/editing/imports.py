"""Importing a whole relay (its posts, authors, organisations, categories) in one go.

Used by the `importRelay` mutation (the import scripts) and by the demo loader. Rows that
exist already (matched by slug) are kept as they are, so an import can be run again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise import timezone

from graph import models
from graph.cache import invalidation, tags
from graph.danish import sort_key
from graph.editing import people, posts, relays, slug_history
from graph.editing.checks import Checks
from graph.editing.errors import Code
from graph.editing.records import ids_by_slug

MAX_POSTS = 5000


@dataclass(frozen=True)
class RelaySpec:
    """The relay to import into (created if its slug is new)."""

    slug: str
    title: str
    intro: str = ""
    status: models.RelayStatus = models.RelayStatus.ACTIVE
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    previous_slugs: tuple[str, ...] = ()  # old slugs that keep leading to it


@dataclass(frozen=True)
class CategorySpec:
    """A category posts may name."""

    slug: str
    name: str
    previous_slugs: tuple[str, ...] = ()  # old slugs that keep leading to it


@dataclass(frozen=True)
class OrganizationSpec:
    """An organisation bylines and affiliations may name."""

    slug: str
    name: str
    short_name: str | None = None
    kind: models.OrganizationKind = models.OrganizationKind.OTHER
    previous_slugs: tuple[str, ...] = ()  # old slugs that keep leading to it


@dataclass(frozen=True)
class AuthorSpec:
    """An author, with (organisation slug, role) affiliations."""

    slug: str
    name: str
    bio: str = ""
    affiliations: tuple[tuple[str, str | None], ...] = ()
    previous_slugs: tuple[str, ...] = ()  # old slugs that keep leading to it


@dataclass(frozen=True)
class PostSpec:
    """A post: published if `published_at` is given, scheduled if `publish_at` is, else draft."""

    slug: str
    title: str
    body: str = ""
    teaser: str | None = None
    category: str | None = None
    bylines: tuple[posts.BylineSpec, ...] = ()
    published_at: dt.datetime | None = None
    publish_at: dt.datetime | None = None
    previous_slugs: tuple[str, ...] = ()  # old slugs that keep leading to it

    def fields(self) -> dict[str, Any]:
        """The post fields as the post service takes them."""
        fields: dict[str, Any] = {
            "title": self.title,
            "slug": self.slug,
            "body": self.body,
            "category": self.category,
            "bylines": list(self.bylines),
        }
        if self.teaser is not None:
            fields["teaser"] = self.teaser
        return fields


@dataclass(frozen=True)
class ImportSpec:
    """Everything one import brings."""

    relay: RelaySpec
    posts: tuple[PostSpec, ...]
    categories: tuple[CategorySpec, ...] = ()
    organizations: tuple[OrganizationSpec, ...] = ()
    authors: tuple[AuthorSpec, ...] = ()


@dataclass
class ImportResult:
    """What an import created, and how many posts it found already there."""

    relay: models.Relay
    created: dict[str, int] = field(default_factory=dict)
    posts_existing: int = 0


async def import_relay(actor: str, spec: ImportSpec, max_body_chars: int) -> ImportResult:
    """Import in the caller's transaction; a ValidationFailed names every bad field."""
    checks = Checks()
    _check_records(checks, spec)
    checks.done()
    result = ImportResult(relay=await _relay(spec.relay))
    result.created["categories"] = await _categories(spec.categories)
    result.created["organizations"] = await _organizations(spec.organizations)
    result.created["authors"] = await _authors(checks, spec.authors)
    existing = await _existing_posts(checks, result.relay, spec.posts)
    new_posts = [
        (index, post) for index, post in enumerate(spec.posts) if post.slug not in existing
    ]
    for index, post in new_posts:
        await _check_post(checks.at("posts", index), post, max_body_chars)
    checks.done()
    for _, post in new_posts:
        await _create_post(actor, result.relay, post, max_body_chars)
    result.created["posts"] = len(new_posts)
    result.posts_existing = len(existing)
    await _restore_history(spec)
    # New relays, categories, people join their lists; each post invalidated its own.
    await invalidation.invalidate([tags.RELAYS, tags.CATEGORIES, tags.ORGANIZATIONS, tags.AUTHORS])
    return result


def _check_records(checks: Checks, spec: ImportSpec) -> None:
    """Field rules for everything but the posts' references, which need the rows first."""
    relay = checks.at("relay")
    relay.text(["title"], spec.relay.title, 300, required=True)
    relay.slug(["slug"], spec.relay.slug)
    relay.text(["intro"], spec.relay.intro, relays.MAX_INTRO)
    checks.count(["posts"], spec.posts, MAX_POSTS)
    for index, organization in enumerate(spec.organizations):
        item = checks.at("organizations", index)
        item.text(["shortName"], organization.short_name, people.MAX_SHORT_NAME)
    for index, author in enumerate(spec.authors):
        item = checks.at("authors", index)
        item.text(["bio"], author.bio, people.MAX_BIO)
        item.count(["affiliations"], author.affiliations, people.MAX_AFFILIATIONS)
        for position, (_, role) in enumerate(author.affiliations):
            item.text(["affiliations", position, "role"], role, people.MAX_ROLE)
    named = {
        "categories": [(c.slug, c.name) for c in spec.categories],
        "organizations": [(o.slug, o.name) for o in spec.organizations],
        "authors": [(a.slug, a.name) for a in spec.authors],
    }
    for group, items in named.items():
        _check_named(checks, group, "name", items)
    _check_named(checks, "posts", "title", [(p.slug, p.title) for p in spec.posts])
    _check_previous_slugs(checks, spec)


def _check_previous_slugs(checks: Checks, spec: ImportSpec) -> None:
    """Old slugs must be slugs too."""
    for index, old in enumerate(spec.relay.previous_slugs):
        checks.at("relay").slug(["previousSlugs", index], old)
    groups: dict[str, tuple[Any, ...]] = {
        "categories": spec.categories,
        "organizations": spec.organizations,
        "authors": spec.authors,
        "posts": spec.posts,
    }
    for group, things in groups.items():
        for index, thing in enumerate(things):
            for position, old in enumerate(thing.previous_slugs):
                checks.at(group, index).slug(["previousSlugs", position], old)


async def _restore_history(spec: ImportSpec) -> None:
    """The old slugs the export carried, so old links keep working after a move."""
    Kind = models.SlugKind
    groups: list[tuple[models.SlugKind, type[Any], list[Any]]] = [
        (Kind.RELAY, models.Relay, [spec.relay]),
        (Kind.CATEGORY, models.Category, list(spec.categories)),
        (Kind.ORGANIZATION, models.Organization, list(spec.organizations)),
        (Kind.AUTHOR, models.Author, list(spec.authors)),
        (Kind.POST, models.Post, list(spec.posts)),
    ]
    changed: list[str] = []
    for kind, model, items in groups:
        carrying = [item for item in items if item.previous_slugs]
        if not carrying:
            continue
        ids = await ids_by_slug(model, [item.slug for item in carrying])
        for item in carrying:
            pk = ids[item.slug]
            if await slug_history.restore(kind, pk, item.slug, item.previous_slugs):
                changed.append(tags.entity(model.__name__, pk))
    # An object that was there already shows more `previousSlugs` now.
    await invalidation.invalidate(changed)


def _check_named(checks: Checks, group: str, label: str, items: list[tuple[str, str]]) -> None:
    """Each item has a valid slug, unique in the import, and a non-empty name or title."""
    seen: set[str] = set()
    for index, (slug, name) in enumerate(items):
        item = checks.at(group, index)
        item.slug(["slug"], slug)
        if slug in seen:
            item.fail(["slug"], "appears twice in the import", Code.DUPLICATE)
        seen.add(slug)
        item.text([label], name, 300, required=True)


async def _relay(spec: RelaySpec) -> models.Relay:
    relay = await models.Relay.get_or_none(slug=spec.slug)
    if relay is not None:
        return relay
    return await models.Relay.create(
        slug=spec.slug,
        title=spec.title.strip(),
        intro=spec.intro,
        status=spec.status,
        started_on=spec.started_on,
        ended_on=spec.ended_on,
    )


async def _categories(specs: tuple[CategorySpec, ...]) -> int:
    known = await models.Category.filter(slug__in=[spec.slug for spec in specs]).count()
    await relays.check_room_for_categories(
        len({spec.slug for spec in specs}) - known, ["categories"]
    )
    created = 0
    for spec in specs:
        _, made = await models.Category.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "sort_key": sort_key(spec.name)}
        )
        created += made
    return created


async def _organizations(specs: tuple[OrganizationSpec, ...]) -> int:
    created = 0
    for spec in specs:
        _, made = await models.Organization.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "sort_key": sort_key(spec.name),
            },
        )
        created += made
    return created


async def _authors(checks: Checks, specs: tuple[AuthorSpec, ...]) -> int:
    """Create new authors with their affiliations; existing authors are left as they are."""
    slugs = {slug for spec in specs for slug, _ in spec.affiliations}
    organizations = await ids_by_slug(models.Organization, slugs)
    created = 0
    for index, spec in enumerate(specs):
        author, made = await models.Author.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "bio": spec.bio, "sort_key": sort_key(spec.name)},
        )
        created += made
        for position, (slug, role) in enumerate(spec.affiliations):
            if slug not in organizations:
                path: list[str | int] = ["affiliations", position, "organization"]
                checks.at("authors", index).fail(path, f"no organisation {slug!r}", Code.UNKNOWN)
            elif made:
                await models.Affiliation.create(
                    author=author, organization_id=organizations[slug], role=role, position=position
                )
    return created


async def _existing_posts(
    checks: Checks, relay: models.Relay, specs: tuple[PostSpec, ...]
) -> set[str]:
    """Slugs of posts already in this relay; a slug used in another relay is an error."""
    rows = await models.Post.filter(slug__in=[spec.slug for spec in specs]).values_list(
        "slug", "relay_id"
    )
    elsewhere = {slug for slug, relay_id in rows if relay_id != relay.id}
    for index, spec in enumerate(specs):
        if spec.slug in elsewhere:
            message = "a post in another relay has this slug"
            checks.at("posts", index).fail(["slug"], message, Code.DUPLICATE)
    return {slug for slug, relay_id in rows if relay_id == relay.id}


async def _check_post(checks: Checks, spec: PostSpec, max_body_chars: int) -> None:
    fields = spec.fields()
    posts.check_post_fields(checks, fields, max_body_chars, creating=True)
    await posts.resolve_references(checks, fields)
    if spec.published_at is not None or spec.publish_at is not None:
        posts.check_publishable(checks, spec.body)
    if spec.published_at is not None and spec.publish_at is not None:
        checks.fail(["publishAt"], "give publishedAt or publishAt, not both", Code.INVALID)
    if spec.published_at is not None and spec.published_at > timezone.now():
        checks.fail(["publishedAt"], "must not be in the future", Code.INVALID)
    checks.future(["publishAt"], spec.publish_at, timezone.now())


async def _create_post(
    actor: str, relay: models.Relay, spec: PostSpec, max_body_chars: int
) -> None:
    post = await posts.create_post(actor, relay.slug, spec.fields(), max_body_chars)
    if spec.published_at is not None:
        await posts.publish_post(actor, post.id, post.version, spec.published_at)
    elif spec.publish_at is not None:
        await posts.schedule_post(actor, post.id, post.version, spec.publish_at)

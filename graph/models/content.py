"""The content graph: relays, posts, their people, categories, and retired slugs."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RelayStatus(StrEnum):
    """Whether a relay still takes new posts."""

    ACTIVE = "active"
    ENDED = "ended"


class PostStatus(StrEnum):
    """A post's life cycle; only `published` is visible to anonymous callers."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class OrganizationKind(StrEnum):
    """What sort of body an organisation is."""

    MUNICIPALITY = "municipality"
    REGION = "region"
    AGENCY = "agency"
    MINISTRY = "ministry"
    ASSOCIATION = "association"
    NGO = "ngo"
    RESEARCH = "research"
    COMPANY = "company"
    OTHER = "other"


class Timestamped(Model):
    """Creation and update times, set by the database layer."""

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class Relay(Timestamped):
    """A themed series of posts, written by one writer after another."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    title = fields.CharField(max_length=300)
    intro = fields.TextField(default="")
    status = fields.CharEnumField(RelayStatus, max_length=16, default=RelayStatus.ACTIVE)
    started_on = fields.DateField(null=True)
    ended_on = fields.DateField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "relay"
        indexes = (("started_on", "id"),)


class Category(Model):
    """A subject heading such as Ledelse or Politik."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    name = fields.CharField(max_length=200)
    sort_key = fields.CharField(max_length=200)

    class Meta:
        table = "category"


class Organization(Model):
    """A municipality, agency, association … that writers belong to."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    name = fields.CharField(max_length=300)
    short_name = fields.CharField(max_length=100, null=True)
    kind = fields.CharEnumField(OrganizationKind, max_length=16, default=OrganizationKind.OTHER)
    sort_key = fields.CharField(max_length=200, db_index=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "organization"


class Author(Model):
    """A person who writes posts."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    name = fields.CharField(max_length=300)
    bio = fields.TextField(default="")
    email = fields.CharField(max_length=320, null=True)
    sort_key = fields.CharField(max_length=200, db_index=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "author"


class Affiliation(Model):
    """An author's (current) role at an organisation."""

    id = fields.IntField(primary_key=True)
    author: fields.ForeignKeyRelation[Author] = fields.ForeignKeyField(
        "models.Author", related_name="affiliations", on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="affiliations", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=300, null=True)
    position = fields.IntField(default=0)

    class Meta:
        table = "affiliation"
        unique_together = (("author", "organization"),)


class Post(Timestamped):
    """One contribution to a relay: Markdown source plus its sanitised HTML."""

    id = fields.IntField(primary_key=True)
    relay: fields.ForeignKeyRelation[Relay] = fields.ForeignKeyField(
        "models.Relay", related_name="posts", on_delete=fields.RESTRICT
    )
    slug = fields.CharField(max_length=200, unique=True)
    title = fields.CharField(max_length=300)
    teaser = fields.TextField(default="")
    # True when the teaser was cut from the body, so a new body gets a new teaser.
    teaser_derived = fields.BooleanField(default=False)
    body = fields.TextField(default="")
    html = fields.TextField(default="")
    word_count = fields.IntField(default=0, db_default=0)  # graph.content.word_count(html)
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="posts", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(PostStatus, max_length=16, default=PostStatus.DRAFT)
    published_at = fields.DatetimeField(null=True)
    publish_at = fields.DatetimeField(null=True)
    leg = fields.IntField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "post"
        indexes = (
            ("status", "published_at", "id"),
            ("relay_id", "status", "published_at"),
            ("category_id", "status", "published_at"),
            ("relay_id", "leg"),
        )


class Byline(Model):
    """Who wrote a post, with the role and organisation printed on that post."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="bylines", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    author: fields.ForeignKeyRelation[Author] = fields.ForeignKeyField(
        "models.Author", related_name="bylines", on_delete=fields.RESTRICT
    )
    role = fields.CharField(max_length=300, null=True)
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="bylines", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "byline"
        unique_together = (("post", "position"), ("post", "author"))
        indexes = (("author_id", "post_id"), ("organization_id", "post_id"))


class SlugKind(StrEnum):
    """The kinds of object whose slugs are kept when they change (their table names)."""

    RELAY = "relay"
    POST = "post"
    AUTHOR = "author"
    ORGANIZATION = "organization"
    CATEGORY = "category"


class SlugHistory(Model):
    """A slug an object no longer has: lookups by it still find the object (for redirects).

    One row per (kind, slug): an old slug leads to the object that had it last. A live slug
    always wins over an old one, so another object may take it.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(SlugKind, max_length=16)
    object_id = fields.IntField()
    slug = fields.CharField(max_length=200)
    retired_at = fields.DatetimeField()

    class Meta:
        table = "slug_history"
        unique_together = (("kind", "slug"),)
        indexes = (("kind", "object_id"),)

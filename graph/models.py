"""Tortoise models: the content graph's tables. Import as a module: `from graph import models`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

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


class Role(StrEnum):
    """What an API token may do: editors write content, admins also manage the site."""

    EDITOR = "editor"
    ADMIN = "admin"


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


class PostRevision(Model):
    """One write to a post: who, when, the changed fields, and the state after it."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="revisions", on_delete=fields.RESTRICT
    )
    version = fields.IntField()
    actor = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)
    changes: fields.JSONField[dict[str, Any]] = fields.JSONField()
    state: fields.JSONField[dict[str, Any]] = fields.JSONField()

    class Meta:
        table = "post_revision"
        unique_together = (("post", "version"),)


class PostPending(Model):
    """A published post's staged edit: the content it would have once published again.

    Every content field is the whole would-be value (not only the changed ones), so a
    preview reads one row; `changed` names the fields that differ from the live post.
    """

    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "models.Post", related_name="pending", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    slug = fields.CharField(max_length=200)
    teaser = fields.TextField(default="")
    teaser_derived = fields.BooleanField(default=False)
    body = fields.TextField(default="")
    html = fields.TextField(default="")
    word_count = fields.IntField(default=0, db_default=0)
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="pending_posts", null=True, on_delete=fields.SET_NULL
    )
    # [{"author_id", "role", "organization_id"}, …] in printed order.
    bylines: Any = fields.JSONField(default=list)
    changed: Any = fields.JSONField(default=list)
    staged_by = fields.CharField(max_length=100)
    staged_at = fields.DatetimeField()

    class Meta:
        table = "post_pending"


class PreviewLink(Model):
    """A secret link to one post as it would look published, kept as the SHA-256 of its token."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="preview_links", on_delete=fields.CASCADE, db_index=True
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "preview_link"


class ApiToken(Model):
    """A named API credential, stored as the SHA-256 of the token (never the token)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class Webhook(Model):
    """A frontend endpoint that is told about content changes, signed per Standard Webhooks."""

    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    events: Any = fields.JSONField(default=list)
    secret = fields.CharField(max_length=100)
    description = fields.CharField(max_length=300, default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "webhook"


class DeliveryStatus(StrEnum):
    """Where one webhook message stands: still trying, delivered, or given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(Model):
    """One event for one webhook: the signed message and how its sending went."""

    id = fields.IntField(primary_key=True)
    webhook: fields.ForeignKeyRelation[Webhook] = fields.ForeignKeyField(
        "models.Webhook", related_name="deliveries", on_delete=fields.CASCADE, db_index=True
    )
    message_id = fields.CharField(max_length=64, unique=True)
    event = fields.CharField(max_length=64)
    payload: Any = fields.JSONField()
    status = fields.CharEnumField(
        DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_attempt_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "webhook_delivery"


class WebhookAttempt(Model):
    """One HTTP request of a delivery: when, the response code or error, and how long."""

    id = fields.IntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "models.WebhookDelivery",
        related_name="attempt_rows",
        on_delete=fields.CASCADE,
        db_index=True,
    )
    attempted_at = fields.DatetimeField()
    status_code = fields.IntField(null=True)
    error = fields.TextField(null=True)
    duration_ms = fields.IntField()

    class Meta:
        table = "webhook_attempt"


class Subscriber(Model):
    """A newsletter reader, by e-mail. Mail goes out only after the address is confirmed."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=320, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    confirmation_sent_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    unsubscribed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "subscriber"


class Subscription(Model):
    """A subscriber's wish to hear about one relay's new posts."""

    id = fields.IntField(primary_key=True)
    subscriber: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="subscriptions", on_delete=fields.CASCADE
    )
    relay: fields.ForeignKeyRelation[Relay] = fields.ForeignKeyField(
        "models.Relay", related_name="subscriptions", on_delete=fields.CASCADE, db_index=True
    )

    class Meta:
        table = "subscription"
        unique_together = (("subscriber", "relay"),)


class NewsletterSend(Model):
    """The sent ledger: one row per subscriber and post, so a post is mailed at most once."""

    id = fields.IntField(primary_key=True)
    subscriber: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="sends", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="newsletter_sends", on_delete=fields.CASCADE, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "newsletter_send"
        unique_together = (("subscriber", "post"),)


class BatonState(StrEnum):
    """A baton is held until its author's post is published, or a newer baton replaces it."""

    HELD = "held"
    HANDED_ON = "handed_on"
    REPLACED = "replaced"


class Baton(Model):
    """Who writes a relay's next post, by when, and which mails about it have gone out."""

    id = fields.IntField(primary_key=True)
    relay: fields.ForeignKeyRelation[Relay] = fields.ForeignKeyField(
        "models.Relay", related_name="batons", on_delete=fields.CASCADE, db_index=True
    )
    author: fields.ForeignKeyRelation[Author] = fields.ForeignKeyField(
        "models.Author", related_name="batons", on_delete=fields.CASCADE
    )
    due_on = fields.DateField()
    state = fields.CharEnumField(BatonState, max_length=16, default=BatonState.HELD)
    passed_by = fields.CharField(max_length=100)
    passed_at = fields.DatetimeField(auto_now_add=True)
    invitation_sent_at = fields.DatetimeField(null=True)
    reminder_sent_at = fields.DatetimeField(null=True)
    overdue_sent_at = fields.DatetimeField(null=True)
    handed_on_at = fields.DatetimeField(null=True)
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="batons", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "baton"


class JobError(Model):
    """The last error of a job run, kept for admins (the job engine keeps only the state)."""

    job_id = fields.BigIntField(primary_key=True, generated=False)
    task_name = fields.CharField(max_length=200)
    error = fields.TextField()
    failed_at = fields.DatetimeField()

    class Meta:
        table = "job_error"


class SiteSecret(Model):
    """A random key made on first use when SECRET_KEY is unset: signs newsletter links."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=128)

    class Meta:
        table = "site_secret"


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

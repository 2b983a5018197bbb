"""A post's edit trail: revisions, the staged edit of a published post, preview links."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from graph.models.content import Category, Post


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

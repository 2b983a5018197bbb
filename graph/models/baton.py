"""Passing the baton: who writes a relay's next post, and by when."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from graph.models.content import Author, Post, Relay


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

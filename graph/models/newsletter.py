"""The newsletter: subscribers, their relays, and the sent ledger."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from graph.models.content import Post, Relay


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

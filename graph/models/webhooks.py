"""Webhooks: the endpoints, each event's delivery to one, and its HTTP attempts."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


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

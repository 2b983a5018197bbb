from tortoise import migrations
from tortoise.migrations import operations as ops
from graph.models import BatonState, DeliveryStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0004_utc_times")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Baton",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "relay",
                    fields.ForeignKeyField(
                        "models.Relay",
                        source_field="relay_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="batons",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "models.Author",
                        source_field="author_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="batons",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("due_on", fields.DateField()),
                (
                    "state",
                    fields.CharEnumField(
                        default=BatonState.HELD,
                        description="HELD: held\nHANDED_ON: handed_on\nREPLACED: replaced",
                        enum_type=BatonState,
                        max_length=16,
                    ),
                ),
                ("passed_by", fields.CharField(max_length=100)),
                ("passed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "invitation_sent_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "reminder_sent_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "overdue_sent_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "handed_on_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "post",
                    fields.ForeignKeyField(
                        "models.Post",
                        source_field="post_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="batons",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "baton",
                "app": "models",
                "pk_attr": "id",
                "table_description": "Who writes a relay's next post, by when, and which mails about it have gone out.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="JobError",
            fields=[
                ("job_id", fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ("task_name", fields.CharField(max_length=200)),
                ("error", fields.TextField(unique=False)),
                ("failed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "job_error",
                "app": "models",
                "pk_attr": "job_id",
                "table_description": "The last error of a job run, kept for admins (the job engine keeps only the state).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SiteSecret",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("key", fields.CharField(max_length=128)),
            ],
            options={
                "table": "site_secret",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A random key made on first use when SECRET_KEY is unset: signs newsletter links.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Subscriber",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=320)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "confirmation_sent_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "unsubscribed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "subscriber",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A newsletter reader, by e-mail. Mail goes out only after the address is confirmed.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NewsletterSend",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "subscriber",
                    fields.ForeignKeyField(
                        "models.Subscriber",
                        source_field="subscriber_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sends",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "post",
                    fields.ForeignKeyField(
                        "models.Post",
                        source_field="post_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="newsletter_sends",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("claimed_by", fields.CharField(null=True, max_length=64)),
                (
                    "claimed_until",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "newsletter_send",
                "app": "models",
                "unique_together": (("subscriber", "post"),),
                "pk_attr": "id",
                "table_description": "The sent ledger: one row per subscriber and post, so a post is mailed at most once.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Subscription",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "subscriber",
                    fields.ForeignKeyField(
                        "models.Subscriber",
                        source_field="subscriber_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="subscriptions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "relay",
                    fields.ForeignKeyField(
                        "models.Relay",
                        source_field="relay_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="subscriptions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "subscription",
                "app": "models",
                "unique_together": (("subscriber", "relay"),),
                "pk_attr": "id",
                "table_description": "A subscriber's wish to hear about one relay's new posts.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Webhook",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("url", fields.CharField(max_length=2000)),
                ("events", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("secret", fields.CharField(max_length=100)),
                ("description", fields.CharField(default="", max_length=300)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("version", fields.IntField(default=1)),
            ],
            options={
                "table": "webhook",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A frontend endpoint that is told about content changes, signed per Standard Webhooks.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "webhook",
                    fields.ForeignKeyField(
                        "models.Webhook",
                        source_field="webhook_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("message_id", fields.CharField(unique=True, max_length=64)),
                ("event", fields.CharField(max_length=64)),
                ("payload", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                (
                    "status",
                    fields.CharEnumField(
                        default=DeliveryStatus.PENDING,
                        db_index=True,
                        description="PENDING: pending\nDELIVERED: delivered\nFAILED: failed",
                        enum_type=DeliveryStatus,
                        max_length=16,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_attempt_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "delivered_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_error", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "webhook_delivery",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One event for one webhook: the signed message and how its sending went.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookAttempt",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "delivery",
                    fields.ForeignKeyField(
                        "models.WebhookDelivery",
                        source_field="delivery_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="attempt_rows",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("attempted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("status_code", fields.IntField(null=True)),
                ("error", fields.TextField(null=True, unique=False)),
                ("duration_ms", fields.IntField()),
            ],
            options={
                "table": "webhook_attempt",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One HTTP request of a delivery: when, the response code or error, and how long.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Author",
            name="email",
            field=fields.CharField(null=True, max_length=320),
        ),
    ]

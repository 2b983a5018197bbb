from tortoise import migrations
from tortoise.migrations import operations as ops
from graph.models import Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0002_search")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(unique=True, max_length=100)),
                (
                    "role",
                    fields.CharEnumField(
                        description="EDITOR: editor\nADMIN: admin", enum_type=Role, max_length=16
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "api_token",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A named API credential, stored as the SHA-256 of the token (never the token).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PostRevision",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "post",
                    fields.ForeignKeyField(
                        "models.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="revisions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("version", fields.IntField()),
                ("actor", fields.CharField(max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("changes", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("state", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "post_revision",
                "app": "models",
                "unique_together": (("post", "version"),),
                "pk_attr": "id",
                "table_description": "One write to a post: who, when, the changed fields, and the state after it.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Author",
            name="version",
            field=fields.IntField(default=1),
        ),
        ops.AddField(
            model_name="Organization",
            name="version",
            field=fields.IntField(default=1),
        ),
        ops.AddField(
            model_name="Post",
            name="publish_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Post",
            name="teaser_derived",
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name="Relay",
            name="version",
            field=fields.IntField(default=1),
        ),
    ]

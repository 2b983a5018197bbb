from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0007_slug_history")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PostPending",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "post",
                    fields.OneToOneField(
                        "models.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="pending",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=300)),
                ("slug", fields.CharField(max_length=200)),
                ("teaser", fields.TextField(default="", unique=False)),
                ("teaser_derived", fields.BooleanField(default=False)),
                ("body", fields.TextField(default="", unique=False)),
                ("html", fields.TextField(default="", unique=False)),
                (
                    "category",
                    fields.ForeignKeyField(
                        "models.Category",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="pending_posts",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("bylines", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("changed", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("staged_by", fields.CharField(max_length=100)),
                ("staged_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "post_pending",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A published post's staged edit: the content it would have once published again.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PreviewLink",
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
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="preview_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_by", fields.CharField(max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "preview_link",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A secret link to one post as it would look published, kept as the SHA-256 of its token.",
            },
            bases=["Model"],
        ),
    ]

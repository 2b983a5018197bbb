from tortoise import migrations
from tortoise.migrations import operations as ops
from graph.models import SlugKind
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0006_search_table")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SlugHistory",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description=(
                            "RELAY: relay\nPOST: post\nAUTHOR: author\n"
                            "ORGANIZATION: organization\nCATEGORY: category"
                        ),
                        enum_type=SlugKind,
                        max_length=16,
                    ),
                ),
                ("object_id", fields.IntField()),
                ("slug", fields.CharField(max_length=200)),
                ("retired_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "slug_history",
                "app": "models",
                "unique_together": (("kind", "slug"),),
                "indexes": [Index(fields=["kind", "object_id"])],
                "pk_attr": "id",
                "table_description": (
                    "A slug an object no longer has: lookups by it still find the object "
                    "(for redirects)."
                ),
            },
            bases=["Model"],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from graph.models import OrganizationKind, PostStatus, RelayStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Author",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=200)),
                ("name", fields.CharField(max_length=300)),
                ("bio", fields.TextField(default="", unique=False)),
                ("sort_key", fields.CharField(db_index=True, max_length=200)),
            ],
            options={
                "table": "author",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A person who writes posts.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Category",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=200)),
                ("name", fields.CharField(max_length=200)),
                ("sort_key", fields.CharField(max_length=200)),
            ],
            options={
                "table": "category",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A subject heading such as Ledelse or Politik.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Organization",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=200)),
                ("name", fields.CharField(max_length=300)),
                ("short_name", fields.CharField(null=True, max_length=100)),
                (
                    "kind",
                    fields.CharEnumField(
                        default=OrganizationKind.OTHER,
                        description="MUNICIPALITY: municipality\nREGION: region\nAGENCY: agency\nMINISTRY: ministry\nASSOCIATION: association\nNGO: ngo\nRESEARCH: research\nCOMPANY: company\nOTHER: other",
                        enum_type=OrganizationKind,
                        max_length=16,
                    ),
                ),
                ("sort_key", fields.CharField(db_index=True, max_length=200)),
            ],
            options={
                "table": "organization",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A municipality, agency, association … that writers belong to.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Affiliation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "models.Author",
                        source_field="author_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="affiliations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="affiliations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("role", fields.CharField(null=True, max_length=300)),
                ("position", fields.IntField(default=0)),
            ],
            options={
                "table": "affiliation",
                "app": "models",
                "unique_together": (("author", "organization"),),
                "pk_attr": "id",
                "table_description": "An author's (current) role at an organisation.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Relay",
            fields=[
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=200)),
                ("title", fields.CharField(max_length=300)),
                ("intro", fields.TextField(default="", unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=RelayStatus.ACTIVE,
                        description="ACTIVE: active\nENDED: ended",
                        enum_type=RelayStatus,
                        max_length=16,
                    ),
                ),
                ("started_on", fields.DateField(null=True)),
                ("ended_on", fields.DateField(null=True)),
            ],
            options={
                "table": "relay",
                "app": "models",
                "indexes": [Index(fields=["started_on", "id"])],
                "pk_attr": "id",
                "table_description": "A themed series of posts, written by one writer after another.",
            },
            bases=["Timestamped"],
        ),
        ops.CreateModel(
            name="Post",
            fields=[
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "relay",
                    fields.ForeignKeyField(
                        "models.Relay",
                        source_field="relay_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="posts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("slug", fields.CharField(unique=True, max_length=200)),
                ("title", fields.CharField(max_length=300)),
                ("teaser", fields.TextField(default="", unique=False)),
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
                        related_name="posts",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=PostStatus.DRAFT,
                        description="DRAFT: draft\nSCHEDULED: scheduled\nPUBLISHED: published\nARCHIVED: archived",
                        enum_type=PostStatus,
                        max_length=16,
                    ),
                ),
                (
                    "published_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("leg", fields.IntField(null=True)),
                ("version", fields.IntField(default=1)),
            ],
            options={
                "table": "post",
                "app": "models",
                "indexes": [
                    Index(fields=["status", "published_at", "id"]),
                    Index(fields=["relay_id", "status", "published_at"]),
                    Index(fields=["category_id", "status", "published_at"]),
                    Index(fields=["relay_id", "leg"]),
                ],
                "pk_attr": "id",
                "table_description": "One contribution to a relay: Markdown source plus its sanitised HTML.",
            },
            bases=["Timestamped"],
        ),
        ops.CreateModel(
            name="Byline",
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
                        related_name="bylines",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                (
                    "author",
                    fields.ForeignKeyField(
                        "models.Author",
                        source_field="author_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="bylines",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("role", fields.CharField(null=True, max_length=300)),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="bylines",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "byline",
                "app": "models",
                "unique_together": (("post", "position"), ("post", "author")),
                "indexes": [
                    Index(fields=["author_id", "post_id"]),
                    Index(fields=["organization_id", "post_id"]),
                ],
                "pk_attr": "id",
                "table_description": "Who wrote a post, with the role and organisation printed on that post.",
            },
            bases=["Model"],
        ),
    ]

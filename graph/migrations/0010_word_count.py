"""Each post (and each staged edit) keeps how many words its HTML shows: `Post.wordCount`,
and `Post.readingTime` derived from it, read like any other column.

The count is made where the HTML is rendered on write (graph.editing.posts.apply_text); this
backfills the rows written before, with the same function, on SQLite and PostgreSQL alike.
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from graph.content import word_count

BATCH = 500


async def _backfill(client: Any, table: str) -> None:
    # Keyset batches: a large site's HTML is never all in memory at once.
    last = 0
    marker = "%s" if client.capabilities.dialect == "postgres" else "?"
    while True:
        rows = await client.execute_query_dict(
            f"SELECT id, html FROM {table} WHERE id > {marker} ORDER BY id LIMIT {BATCH}", [last]
        )
        if not rows:
            return
        for row in rows:
            await client.execute_query(
                f"UPDATE {table} SET word_count = {marker} WHERE id = {marker}",
                [word_count(row["html"] or ""), row["id"]],
            )
        last = rows[-1]["id"]


async def forward(apps: Any, schema_editor: Any) -> None:
    for table in ("post", "post_pending"):
        await _backfill(schema_editor.client, table)


async def backward(apps: Any, schema_editor: Any) -> None:
    pass  # the columns go with RemoveField


class Migration(migrations.Migration):
    dependencies = [("models", "0009_byline_order")]

    operations = [
        ops.AddField(
            model_name="Post", name="word_count", field=fields.IntField(default=0, db_default=0)
        ),
        ops.AddField(
            model_name="PostPending",
            name="word_count",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunPython(forward, backward),
    ]

"""Post times in UTC on SQLite, where the offset a time was written with used to be kept.

SQLite stores timestamps as text and the read layer orders and compares that text, so
`2013-04-30 00:00:00+02:00` sorted after `2013-04-29 23:00:00+00:00`. PostgreSQL stores
`timestamptz` and needs nothing.
"""

import datetime as dt
from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops


async def forward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    for column in ("published_at", "publish_at"):
        rows = await client.execute_query_dict(
            f"SELECT id, {column} AS moment FROM post WHERE {column} IS NOT NULL"
        )
        for row in rows:
            moment = dt.datetime.fromisoformat(row["moment"]).astimezone(dt.UTC)
            text = moment.isoformat(sep=" ")
            if text != row["moment"]:
                await client.execute_query(
                    f"UPDATE post SET {column} = ? WHERE id = ?", [text, row["id"]]
                )


async def backward(apps: Any, schema_editor: Any) -> None:
    pass  # UTC text is a valid way to hold the same instants.


class Migration(migrations.Migration):
    dependencies = [("models", "0003_editing")]

    operations = [ops.RunPython(forward, backward)]

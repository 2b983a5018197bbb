"""Full-text search, per dialect: PostgreSQL tsvector + GIN, SQLite an FTS5 table.

PostgreSQL stems with its own `danish` configuration in a generated column, so it can
never go stale. SQLite has no Danish stemmer, so `graph.search` feeds the FTS5 table
with Snowball stems whenever a post is written.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_UP = """
ALTER TABLE post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('danish', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('danish', coalesce(teaser, '')), 'B') ||
    setweight(to_tsvector('danish', coalesce(body, '')), 'C')
) STORED;
CREATE INDEX post_search_vector_gin ON post USING GIN (search_vector);
"""
POSTGRES_DOWN = "DROP INDEX post_search_vector_gin; ALTER TABLE post DROP COLUMN search_vector;"

# The FTS table holds pre-stemmed tokens, so the tokenizer must only split on spaces and
# keep æ/ø/å as they are (remove_diacritics 0).
SQLITE_UP = """
CREATE VIRTUAL TABLE post_search USING fts5(
    title, teaser, body, tokenize = "unicode61 remove_diacritics 0"
);
"""
SQLITE_DOWN = "DROP TABLE post_search;"


async def _run(schema_editor: Any, postgres: str, sqlite: str) -> None:
    script = postgres if schema_editor.client.capabilities.dialect == "postgres" else sqlite
    await schema_editor.client.execute_script(script)


async def forward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, POSTGRES_UP, SQLITE_UP)


async def backward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [ops.RunPython(forward, backward)]

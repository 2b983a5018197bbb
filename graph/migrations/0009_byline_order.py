"""PostgreSQL: each byline carries its post's status and publication time, kept by triggers,
so an author's published posts come newest first from one index.

Why (BENCHMARKS.md, "Where the time goes now"): an author's page listed posts through
bylines, so it fetched and sorted every post of the author (1,775 for the busiest at M) to
show ten, and counted them all again. With `(author_id, post_published_at DESC, post_id DESC)`
over published posts, the compiled page walks ten index entries and the count is index-only.

`post_status` and `post_published_at` are the post's own, copied when a byline is written and
whenever the post's status or publication time changes (in the same transaction). SQLite has
no such columns: it runs plans level by level (graph.planning.run) and never reads them.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_UP = """
ALTER TABLE byline ADD COLUMN post_status VARCHAR(16), ADD COLUMN post_published_at TIMESTAMPTZ;
UPDATE byline b SET post_status = p.status, post_published_at = p.published_at
FROM post p WHERE p.id = b.post_id;

CREATE FUNCTION byline_copy_post_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.status, p.published_at INTO NEW.post_status, NEW.post_published_at
    FROM post p WHERE p.id = NEW.post_id;
    RETURN NEW;
END $$;
CREATE TRIGGER byline_copy_post_order BEFORE INSERT OR UPDATE OF post_id ON byline
FOR EACH ROW EXECUTE FUNCTION byline_copy_post_order();

CREATE FUNCTION post_order_to_bylines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE byline SET post_status = NEW.status, post_published_at = NEW.published_at
    WHERE post_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER post_order_to_bylines AFTER UPDATE OF status, published_at ON post
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                   OR OLD.published_at IS DISTINCT FROM NEW.published_at)
EXECUTE FUNCTION post_order_to_bylines();

CREATE INDEX byline_author_published ON byline (author_id, post_published_at DESC, post_id DESC)
WHERE post_status = 'published';
-- The backfill rewrote every row: fresh statistics, or plans keep the old row estimates.
ANALYZE byline;
"""

POSTGRES_DOWN = """
DROP INDEX byline_author_published;
DROP TRIGGER post_order_to_bylines ON post;
DROP FUNCTION post_order_to_bylines();
DROP TRIGGER byline_copy_post_order ON byline;
DROP FUNCTION byline_copy_post_order();
ALTER TABLE byline DROP COLUMN post_status, DROP COLUMN post_published_at;
"""


async def _postgres(schema_editor: Any, script: str) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(script)


async def forward(apps: Any, schema_editor: Any) -> None:
    await _postgres(schema_editor, POSTGRES_UP)


async def backward(apps: Any, schema_editor: Any) -> None:
    await _postgres(schema_editor, POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("models", "0008_staged_changes")]

    operations = [ops.RunPython(forward, backward)]

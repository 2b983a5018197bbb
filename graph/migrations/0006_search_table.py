"""PostgreSQL search moves to a narrow table, `post_search`, kept by a trigger on `post`.

Why (BENCHMARKS.md has the EXPLAIN ANALYZE output): a common word matched a third of the
posts, and ranking them read every match's 1.6 KB tsvector from the wide `post` rows. Here
each post has one ~130-byte row (what search filters and sorts on, and small title and teaser
vectors) with the whole text's vector pushed out to TOAST, so:

- a search's first page walks the newest-first index per rank tier and stops after a page
  (`graph.read.search`), reading the big vector only for rows it passes over; a tier the
  newest posts do not fill reads its hits year by year (`era`) from GIN indexes over
  (era, title), (era, teaser) and (bucket, era, document), newest year first;
- counting up to SEARCH_COUNT_LIMIT goes bucket by bucket (`bucket` = id >> 14, 16,384
  posts) through one GIN index over (bucket, document), so a common word stops after a
  bucket or two however many posts there are (btree_gin makes the integer indexable);
- facets group the same rows by `relay_id`, `category_id` and year.

SQLite keeps its FTS5 table (0002), filled by `graph.search_index`.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

VECTORS = """
    to_tsvector('danish', coalesce({row}.title, '')),
    to_tsvector('danish', coalesce({row}.teaser, '')),
    setweight(to_tsvector('danish', coalesce({row}.title, '')), 'A') ||
    setweight(to_tsvector('danish', coalesce({row}.teaser, '')), 'B') ||
    setweight(to_tsvector('danish', coalesce({row}.body, '')), 'C')
"""
# The year a post sorts by: a tier's hits are read year by year, newest first.
ERA = "date_part('year', COALESCE(published_at, publish_at, created_at) AT TIME ZONE 'UTC')::int"
FACTS = "status, published_at, publish_at, created_at, relay_id, category_id"


def _of(row: str) -> str:
    return ", ".join(f"{row}.{name}" for name in FACTS.split(", "))


POSTGRES_UP = f"""
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE TABLE post_search (
    id integer PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE,
    bucket integer GENERATED ALWAYS AS (id >> 14) STORED,
    era integer GENERATED ALWAYS AS ({ERA}) STORED,
    status varchar(16) NOT NULL,
    published_at timestamptz,
    publish_at timestamptz,
    created_at timestamptz NOT NULL,
    relay_id integer NOT NULL,
    category_id integer,
    title tsvector NOT NULL,
    teaser tsvector NOT NULL,
    document tsvector NOT NULL
) WITH (toast_tuple_target = 128);
ALTER TABLE post_search ALTER COLUMN document SET STORAGE EXTERNAL;

INSERT INTO post_search (id, {FACTS}, title, teaser, document)
SELECT p.id, {_of("p")},
    to_tsvector('danish', p.title), to_tsvector('danish', p.teaser), p.search_vector
FROM post p;

CREATE INDEX post_search_title ON post_search USING gin (era, title);
CREATE INDEX post_search_teaser ON post_search USING gin (era, teaser);
CREATE INDEX post_search_document ON post_search USING gin (bucket, era, document);
CREATE INDEX post_search_published ON post_search (published_at DESC, id DESC)
    WHERE status = 'published';
CREATE INDEX post_search_listed ON post_search
    ((COALESCE(published_at, publish_at, created_at)) DESC, id DESC);

CREATE FUNCTION post_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
        AND NEW.teaser IS NOT DISTINCT FROM OLD.teaser
        AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
        UPDATE post_search s
        SET ({FACTS}) = ({_of("NEW")})
        WHERE s.id = NEW.id
            AND ({_of("s")})
            IS DISTINCT FROM ({_of("NEW")});
        RETURN NULL;
    END IF;
    INSERT INTO post_search (id, {FACTS}, title, teaser, document)
    VALUES (NEW.id, {_of("NEW")},
        {VECTORS.format(row="NEW")})
    ON CONFLICT (id) DO UPDATE SET
        ({FACTS}, title, teaser, document) = ({_of("EXCLUDED")},
        EXCLUDED.title, EXCLUDED.teaser, EXCLUDED.document);
    RETURN NULL;
END
$$;
CREATE TRIGGER post_search_sync AFTER INSERT OR UPDATE ON post
    FOR EACH ROW EXECUTE FUNCTION post_search_sync();

DROP INDEX post_search_vector_gin;
ALTER TABLE post DROP COLUMN search_vector;
ANALYZE post_search;

-- JIT compiles a plan whose estimated cost passes jit_above_cost, taking ~0.7 s on a search
-- whose fallback branches look costly but never run; every read here takes milliseconds.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit stays on: only the database owner can turn it off';
END
$$;
"""

POSTGRES_DOWN = """
ALTER TABLE post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('danish', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('danish', coalesce(teaser, '')), 'B') ||
    setweight(to_tsvector('danish', coalesce(body, '')), 'C')
) STORED;
CREATE INDEX post_search_vector_gin ON post USING GIN (search_vector);
DROP TRIGGER post_search_sync ON post;
DROP FUNCTION post_search_sync();
DROP TABLE post_search;
"""


async def _postgres(schema_editor: Any, script: str) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(script)


async def forward(apps: Any, schema_editor: Any) -> None:
    await _postgres(schema_editor, POSTGRES_UP)


async def backward(apps: Any, schema_editor: Any) -> None:
    await _postgres(schema_editor, POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_jobs")]

    operations = [ops.RunPython(forward, backward)]

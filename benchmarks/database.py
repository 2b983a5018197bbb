"""The bench databases (`graph_bench_s` …): made once per size with COPY, then reused.

A database counts as made when its `bench_meta` row names the size, seed and generator
version asked for; anything else (an older generator, a run stopped half way) is dropped and
made again. `bench_meta` is the bench's own table, outside the app's migrations.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from benchmarks import words
from benchmarks.generate import COLUMNS, TABLES, Dataset
from benchmarks.progress import Progress
from benchmarks.sizes import GENERATOR_VERSION, SEED, Size
from graph.db import libpq_url
from graph.migrate import migrate

CREATE_META = """
CREATE TABLE IF NOT EXISTS bench_meta (
    size text NOT NULL, seed integer NOT NULL, generator integer NOT NULL,
    posts integer NOT NULL, common_word text NOT NULL, rare_word text NOT NULL,
    generated_s double precision NOT NULL, generated_at timestamptz NOT NULL DEFAULT now()
)
"""


class BenchDatabaseError(Exception):
    """The bench cannot use the PostgreSQL server it was pointed at."""


@dataclass(frozen=True)
class Meta:
    """What `bench_meta` says about a bench database."""

    size: str
    seed: int
    generator: int
    posts: int
    common_word: str
    rare_word: str
    generated_s: float


def database_url(server_url: str, name: str) -> str:
    """The Tortoise URL of database `name` on the server of `server_url`."""
    parts = urlsplit(server_url)
    if parts.scheme not in ("psycopg", "postgres", "postgresql"):
        raise BenchDatabaseError(
            f"the bench needs PostgreSQL, not {parts.scheme or server_url!r}: "
            "pass --server psycopg://user@host:port/db or set DATABASE_URL"
        )
    return urlunsplit(("psycopg", parts.netloc, f"/{name}", "", ""))


def default_name(size: Size) -> str:
    """`graph_bench_s`, `graph_bench_m` …"""
    return f"graph_bench_{size.name.lower()}"


def prepare(url: str, size: Size, seed: int = SEED) -> Meta:
    """The bench database at `url`, holding `size`: reused when it does, made otherwise."""
    found = read_meta(url)
    if found is not None and (found.size, found.seed, found.generator) == (
        size.name,
        seed,
        GENERATOR_VERSION,
    ):
        print(f"reusing {_name(url)}: {found.posts:,} posts, made in {found.generated_s:.0f} s")
        # Migrations that came after it was made (a no-op when none did).
        asyncio.run(_migrate(url))
        return found
    print(f"making {_name(url)} ({size.name}: {size.posts:,} posts, seed {seed})")
    _recreate(url)
    asyncio.run(_migrate(url))
    return _fill(url, size, seed)


def read_meta(url: str) -> Meta | None:
    """The `bench_meta` row of the database at `url`; None if it is missing or incomplete."""
    try:
        connection = psycopg.connect(libpq_url(url), connect_timeout=5)
    except psycopg.OperationalError as error:
        if f'database "{_name(url)}" does not exist' in str(error):
            return None
        raise BenchDatabaseError(f"cannot reach {libpq_url(url)}: {error}") from error
    with connection:
        exists = connection.execute("SELECT to_regclass('bench_meta')").fetchone()
        if exists is None or exists[0] is None:
            return None
        row = connection.execute(
            "SELECT size, seed, generator, posts, common_word, rare_word, generated_s "
            "FROM bench_meta"
        ).fetchone()
    return None if row is None else Meta(*row)


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin_dsn(url: str) -> str:
    parts = urlsplit(libpq_url(url))
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))


def _recreate(url: str) -> None:
    name = sql.Identifier(_name(url))
    with psycopg.connect(_admin_dsn(url), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


async def _migrate(url: str) -> None:
    from tortoise import Tortoise

    await migrate(url)
    await Tortoise.close_connections()


def _fill(url: str, size: Size, seed: int) -> Meta:
    """Write every table with COPY, then tidy up so the planner sees the real data."""
    started = time.perf_counter()
    dataset = Dataset(size, seed)
    with psycopg.connect(libpq_url(url)) as connection:
        # Nothing here needs to survive a crash: a half-made database has no bench_meta row.
        connection.execute("SET synchronous_commit = off")
        for table in TABLES:
            _copy(connection, table, dataset.rows(table), _expected_rows(table, size))
            connection.commit()
        for table in TABLES:
            # Ids came from the generator; the next row an editor makes must not clash.
            connection.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
        connection.commit()
    _vacuum(url)
    rare = dataset.rare_word or words.common_word()
    meta = Meta(
        size.name, seed, GENERATOR_VERSION, size.posts, words.common_word(), rare,
        time.perf_counter() - started,
    )  # fmt: skip
    _write_meta(url, meta)
    print(f"made {_name(url)} in {meta.generated_s:.1f} s")
    return meta


def _expected_rows(table: str, size: Size) -> int | None:
    totals = {
        "organization": size.organizations,
        "author": size.authors,
        "relay": size.relays,
        "post": size.posts,
    }
    return totals.get(table)


def _copy(connection: psycopg.Connection[Any], table: str, rows: Any, total: int | None) -> None:
    progress = Progress(table, total)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table]))
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            progress.add()
    progress.finish()


# Tables the app's triggers fill from the loaded ones: migration 0006's search table.
DERIVED_TABLES = ("post_search",)


def _vacuum(url: str) -> None:
    """VACUUM ANALYZE the loaded tables and those filled from them: fresh statistics and
    visibility maps, as in production. (Without it `post_search` kept the statistics of the
    empty table the migration analysed, and the planner guessed 25 rows for 1,000.)"""
    progress = Progress("vacuum")
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        for table in (*TABLES, *DERIVED_TABLES):
            connection.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
            progress.add()
    progress.finish()


def _write_meta(url: str, meta: Meta) -> None:
    with psycopg.connect(libpq_url(url)) as connection:
        connection.execute(CREATE_META)
        connection.execute("DELETE FROM bench_meta")
        connection.execute(
            "INSERT INTO bench_meta (size, seed, generator, posts, common_word, rare_word, "
            "generated_s) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                meta.size, meta.seed, meta.generator, meta.posts, meta.common_word,
                meta.rare_word, meta.generated_s,
            ),
        )  # fmt: skip

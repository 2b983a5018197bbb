"""Database wiring: the Tortoise config, the dialect, and start-up helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContextPooled
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connections
from tortoise.migrations import api as migrations_api
from tortoise.migrations.recorder import MigrationRecorder
from tortoise.transactions import in_transaction

from graph.settings import get_settings

MODELS_MODULE = "graph.models"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one database URL (one app, built-in migrations)."""
    _fix_failed_begin()
    return {
        "connections": {"default": _connection_config(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "migrations": "graph.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection_config(database_url: str) -> dict[str, Any]:
    """Tortoise's settings for the URL; on PostgreSQL without a check per pooled query.

    Tortoise gives psycopg's pool `check=check_connection`: an empty query sent before every
    statement, which doubled the round trips of a read (a PostPage at M: 4 statements, 8
    round trips). A connection that broke while idle (PostgreSQL restarted) now fails its
    next statement once and is dropped from the pool when it is returned.
    """
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.psycopg":
        config["credentials"]["check"] = None
    return config


def libpq_url(database_url: str) -> str:
    """The Tortoise `psycopg://…?min_size=…` URL as a libpq URL without Tortoise's options."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def connection() -> BaseDBAsyncClient:
    """The default connection (inside a transaction, the transaction's)."""
    client: BaseDBAsyncClient = connections.get("default")
    return client


def dialect() -> str:
    """'sqlite' or 'postgres' for the default connection."""
    return str(connection().capabilities.dialect)


AfterCommit = Callable[[], Awaitable[None]]
_after_commit: ContextVar[list[AfterCommit] | None] = ContextVar("after_commit", default=None)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """One transaction; callbacks given to `on_commit` inside it run once it has committed.

    Nested use joins the outer transaction, so the callbacks wait for the real commit.
    """
    if _after_commit.get() is not None:
        async with in_transaction() as joined:
            yield joined
        return
    callbacks: list[AfterCommit] = []
    reset = _after_commit.set(callbacks)
    try:
        async with in_transaction() as client:
            yield client
    finally:
        _after_commit.reset(reset)
    for callback in callbacks:
        await callback()


async def on_commit(callback: AfterCommit) -> None:
    """Run `callback` after the current `transaction()` commits (at once outside one)."""
    callbacks = _after_commit.get()
    if callbacks is None:
        await callback()
    else:
        callbacks.append(callback)


def in_our_transaction() -> bool:
    """Whether the caller runs inside `transaction()`."""
    return _after_commit.get() is not None


async def init(database_url: str) -> None:
    """Initialise Tortoise outside a web app (CLI commands, scripts)."""
    await Tortoise.init(config=tortoise_config(database_url))


async def migrate_content(
    database_url: str, progress: Callable[[str, str, str], object] | None = None
) -> None:
    """Apply every pending content migration (idempotent); `graph.migrate` adds the jobs'."""
    _fix_recorder_placeholders()
    await migrations_api.migrate(config=tortoise_config(database_url), progress=progress)


def _fix_failed_begin() -> None:
    # Tortoise 1.1.9's pooled transaction takes a connection from the pool and makes it the
    # task's connection *before* BEGIN. When BEGIN fails (the connection died while idle),
    # __aexit__ never runs: the connection never goes back to the pool (which shrinks by one
    # each time, until every request waits for a connection) and the rest of the task keeps
    # using the dead transaction (a job could not even record its error). Undo both.
    original = TransactionContextPooled.__aenter__
    if getattr(original, "_graph_fixed", False):
        return

    async def enter(self: TransactionContextPooled) -> Any:
        try:
            return await original(self)
        except BaseException:
            token = getattr(self, "token", None)
            if token is not None:  # set only once a connection was taken from the pool
                get_connections().reset(token)
                pool = self.client._parent._pool
                if pool is not None:
                    await pool.release(self.client._connection)
            raise

    enter._graph_fixed = True  # type: ignore[attr-defined]
    TransactionContextPooled.__aenter__ = enter  # type: ignore[method-assign]


def _fix_recorder_placeholders() -> None:
    # Tortoise 1.1.9's migration recorder writes `$1` for every PostgreSQL client, but the
    # psycopg driver wants `%s` (tortoise-orm PR #2153 introduced the `$N` form). Without
    # this, `migrate` on psycopg:// applies the first migration and then fails to record it.
    original = MigrationRecorder._placeholder
    if getattr(original, "_graph_fixed", False):
        return

    def placeholder(self: MigrationRecorder, pos: int) -> str:
        if type(self.connection).__module__.startswith("tortoise.backends.psycopg"):
            return "%s"
        return original(self, pos)

    placeholder._graph_fixed = True  # type: ignore[attr-defined]
    MigrationRecorder._placeholder = placeholder  # type: ignore[method-assign]


def __getattr__(name: str) -> Any:
    # `tortoise -c graph.db.TORTOISE_ORM makemigrations` reads this: the tortoise command's
    # process start. Lazy, so importing graph.db never reads the environment by itself.
    if name == "TORTOISE_ORM":
        return tortoise_config(get_settings().database_url)
    raise AttributeError(name)

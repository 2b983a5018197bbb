"""A lost database connection: how to recognise one, and one retry on a fresh connection.

The PostgreSQL pool runs no check query before each statement (graph/db.py says why), so a
pooled connection that died while idle (`pg_terminate_backend`, a restarted server, a proxy
that dropped it) fails the next statement given to it. For a statement that is safe to run
again, outside any transaction, that failure says nothing about the data: `once_more` checks
the pool (dropping every dead connection) and runs the statement once more. Each retry is
counted (`graph_db_reconnects_total` on /metrics) and logged; nothing falls back silently.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg
from psycopg_pool import PoolTimeout
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.exceptions import DBConnectionError

from graph import db

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLSTATE classes that mean the connection, not the statement, failed: 08 connection
# exception, 57P01-57P03 admin/crash shutdown and "cannot connect now".
LOST_STATES = ("08", "57P01", "57P02", "57P03")


class Counters:
    """How often this process retried a statement because its connection had died."""

    reconnects = 0


counters = Counters()


def connection_lost(error: BaseException) -> bool:
    """Whether `error` says the connection died (not that the statement was wrong)."""
    if isinstance(error, psycopg.InterfaceError):
        return True
    if isinstance(error, PoolTimeout):
        # No connection was had at all: another try would only wait as long again.
        return False
    if isinstance(error, psycopg.OperationalError):
        # No SQLSTATE: the client lost the server ("the connection is lost", "server closed
        # the connection unexpectedly", connection refused). A statement timeout (57014) is
        # not a lost connection.
        state = error.sqlstate
        return state is None or state.startswith(LOST_STATES)
    return False


def database_unreachable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached: a lost connection, or none
    to be had from the pool in time (the URL's `timeout`)."""
    return connection_lost(error) or isinstance(error, DBConnectionError | PoolTimeout)


async def refresh_pool() -> None:
    """Drop the default pool's dead idle connections (new ones replace them)."""
    pool = getattr(db.connection(), "_pool", None)
    if pool is not None:
        await pool.check()


async def once_more(run: Callable[[], Awaitable[T]], what: str) -> T:
    """`run()`, and if its connection was lost, once more on a fresh connection.

    Only for work that is safe to repeat (reads, idempotent writes). Inside a transaction it
    runs once: the transaction died with its connection, and only its caller can redo it.
    """
    if isinstance(db.connection(), TransactionalDBClient):
        return await run()
    try:
        return await run()
    except Exception as error:
        if not connection_lost(error):
            raise
        counters.reconnects += 1
        log.warning("%s: database connection lost (%s); retrying on a fresh one", what, error)
    await refresh_pool()
    return await run()

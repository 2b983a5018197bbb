"""What counts as a lost connection, and when `once_more` runs work a second time.

The fault suite (tests/faults/) shows the retry against a real PostgreSQL; this pins the
rules themselves on either backend.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from graph import db, reconnect

LOST = psycopg.errors.AdminShutdown("terminating connection due to administrator command")


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (LOST, True),
        (psycopg.OperationalError("consuming input failed: server closed the connection"), True),
        (psycopg.errors.ConnectionFailure("connection failure"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.UniqueViolation("duplicate key"), False),
        (PoolTimeout("couldn't get a connection after 2.00 sec"), False),
        (ValueError("a bug"), False),
    ],
)
def test_only_a_dead_connection_counts_as_lost(error: Exception, lost: bool) -> None:
    assert reconnect.connection_lost(error) is lost


class Flaky:
    """Fails with a lost connection the first `failures` times, then answers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise LOST
        return "rows"


async def test_work_whose_connection_died_runs_once_more_and_is_counted(database: str) -> None:
    flaky, before = Flaky(1), reconnect.counters.reconnects
    assert await reconnect.once_more(flaky, "test") == "rows"
    assert (flaky.calls, reconnect.counters.reconnects) == (2, before + 1)


async def test_a_second_lost_connection_is_raised(database: str) -> None:
    flaky = Flaky(2)
    with pytest.raises(psycopg.errors.AdminShutdown):
        await reconnect.once_more(flaky, "test")
    assert flaky.calls == 2


async def test_inside_a_transaction_nothing_runs_twice(database: str) -> None:
    flaky, before = Flaky(1), reconnect.counters.reconnects
    with pytest.raises(psycopg.errors.AdminShutdown):
        async with db.transaction():
            await reconnect.once_more(flaky, "test")
    assert (flaky.calls, reconnect.counters.reconnects) == (1, before)

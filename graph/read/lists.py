"""Top-level lists that are not posts: relays, authors and organisations, keyset paged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.read import sql
from graph.read.lookups import COLUMNS
from graph.read.pages import rows_to_fetch

# Relays that have not started yet sort as the newest.
RELAY_SORT = "COALESCE(started_on, '9999-12-31')"


@dataclass(frozen=True)
class ListSpec:
    """How one table is listed: its sort expression and direction (ties broken by id)."""

    table: str
    sort: str
    descending: bool


RELAYS = ListSpec("relay", RELAY_SORT, descending=True)
AUTHORS = ListSpec("author", "sort_key", descending=False)
ORGANIZATIONS = ListSpec("organization", "sort_key", descending=False)


def _where(conditions: list[str]) -> str:
    return " AND ".join(conditions) if conditions else "1 = 1"


async def page(
    spec: ListSpec,
    first: int,
    after: tuple[Any, int] | None,
    conditions: list[str],
    params: list[Any],
) -> list[sql.Row]:
    """Up to `first + 1` rows after the cursor key `(sort value, id)`, with `sort_value`."""
    conditions, params = list(conditions), list(params)
    op, direction = ("<", "DESC") if spec.descending else (">", "ASC")
    if after is not None:
        conditions.append(f"({spec.sort} {op} ? OR ({spec.sort} = ? AND id {op} ?))")
        params += [after[0], after[0], after[1]]
    statement = (
        f"SELECT {COLUMNS[spec.table]}, {spec.sort} AS sort_value FROM {spec.table} "
        f"WHERE {_where(conditions)} ORDER BY {spec.sort} {direction}, id {direction} LIMIT ?"
    )
    return await sql.fetch(statement, [*params, rows_to_fetch(first)])


async def count(spec: ListSpec, conditions: list[str], params: list[Any]) -> int:
    """How many rows the list holds in all."""
    statement = f"SELECT COUNT(*) AS n FROM {spec.table} WHERE {_where(conditions)}"
    rows = await sql.fetch(statement, params)
    return int(rows[0]["n"])


def relay_sort_value(value: Any) -> dt.date:
    """The relay cursor's sort value as a date, whatever the driver returned."""
    parsed = sql.to_date(value)
    assert parsed is not None  # COALESCE never yields NULL
    return parsed


def relay_conditions(status: str | None) -> tuple[list[str], list[Any]]:
    """The SQL conditions and parameters of the `relays(status:)` argument (its value)."""
    return ([], []) if status is None else (["status = ?"], [status])

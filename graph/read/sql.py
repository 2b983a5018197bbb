"""Raw SQL across dialects: one placeholder style in, the driver's style out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson

from graph import db, reconnect
from graph.clock import COPENHAGEN

Row = dict[str, Any]


def _param(value: Any, postgres: bool) -> Any:
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL text cannot hold NUL and errors; stored text never contains one, so a
        # replacement character keeps "matches nothing" on both backends.
        return value.replace("\x00", "\ufffd")
    # SQLite stores Tortoise datetimes as text in UTC ('2015-05-12 22:00:00+00:00'); compare
    # against the same spelling instead of relying on sqlite3's deprecated default adapters.
    if postgres:
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _for_driver(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    postgres = db.dialect() == "postgres"
    if postgres:
        sql = sql.replace("%", "%%").replace("?", "%s")
    return sql, [_param(value, postgres) for value in params]


async def fetch(sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Run one SELECT written with `?` placeholders; rows as dicts.

    Outside a transaction, a SELECT whose pooled connection had died runs once more on a
    fresh one (counted on /metrics): a read is safe to repeat.
    """
    statement, values = _for_driver(sql, params)
    return await reconnect.once_more(
        lambda: db.connection().execute_query_dict(statement, values), "read"
    )


async def execute(sql: str, params: Sequence[Any] = ()) -> None:
    """Run one statement that returns no rows (UPDATE …), written with `?` placeholders."""
    await db.connection().execute_query(*_for_driver(sql, params))


def prefixed(alias: str, columns: str, name: str) -> str:
    """`alias.col AS "name.col"` for each of `columns`: a joined row's columns, kept apart."""
    return ", ".join(f'{alias}.{column} AS "{name}.{column}"' for column in columns.split(", "))


def nest(rows: list[Row], names: Sequence[str]) -> list[Row]:
    """Copy each joined row's `name.col` columns into `row[name]` (None if it found no row)."""
    for name in names:
        start = f"{name}."
        keys = (
            [(key, key[len(start) :]) for key in rows[0] if key.startswith(start)] if rows else []
        )
        id_key = f"{start}id"
        for row in rows:
            row[name] = None if row[id_key] is None else {to: row[key] for key, to in keys}
    return rows


def placeholders(count: int) -> str:
    """`?, ?, ?` for an IN list of `count` values."""
    return ", ".join("?" * count)


def to_datetime(value: Any) -> dt.datetime | None:
    """A timestamp column as an aware datetime (SQLite returns text)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def in_copenhagen(value: Any) -> dt.datetime | None:
    """A timestamp column as an aware datetime in Copenhagen time, as the API shows times."""
    moment = to_datetime(value)
    return None if moment is None else moment.astimezone(COPENHAGEN)


def to_date(value: Any) -> dt.date | None:
    """A date column as a date (SQLite returns text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def from_json(value: Any) -> Any:
    """A JSON column's value (PostgreSQL's JSONB arrives decoded, SQLite's as text)."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value

"""What admins read about webhooks: endpoints, deliveries and attempts, one statement a batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from graph.read import sql

WEBHOOK_COLUMNS = "id, url, events, secret, description, active, created_at, version"
DELIVERY_COLUMNS = (
    "id, webhook_id, message_id, event, payload, status, attempts, created_at, "
    "last_attempt_at, delivered_at, last_error"
)


async def all_webhooks() -> list[sql.Row]:
    """Every webhook, oldest first."""
    rows = await sql.fetch(f"SELECT {WEBHOOK_COLUMNS} FROM webhook ORDER BY id")
    return [_webhook(row) for row in rows]


async def webhooks_by_ids(ids: Sequence[int]) -> list[sql.Row]:
    """The webhooks with these ids (unknown ids are simply absent)."""
    if not ids:
        return []
    statement = f"SELECT {WEBHOOK_COLUMNS} FROM webhook WHERE id IN ({sql.placeholders(len(ids))})"
    return [_webhook(row) for row in await sql.fetch(statement, ids)]


async def deliveries_by_ids(ids: Sequence[int]) -> list[sql.Row]:
    """The deliveries with these ids."""
    if not ids:
        return []
    statement = (
        f"SELECT {DELIVERY_COLUMNS} FROM webhook_delivery "
        f"WHERE id IN ({sql.placeholders(len(ids))})"
    )
    return [_delivery(row) for row in await sql.fetch(statement, ids)]


async def recent_deliveries(
    webhook_ids: Sequence[int], first: int, status: str | None
) -> list[sql.Row]:
    """Up to `first` deliveries of each webhook (only `status` ones if given), newest first."""
    if not webhook_ids or first <= 0:
        return []
    condition = "" if status is None else "AND status = ?"
    statement = (
        f"SELECT {DELIVERY_COLUMNS} FROM ("
        f"SELECT {DELIVERY_COLUMNS}, "
        "ROW_NUMBER() OVER (PARTITION BY webhook_id ORDER BY id DESC) AS position "
        "FROM webhook_delivery "
        f"WHERE webhook_id IN ({sql.placeholders(len(webhook_ids))}) {condition}"
        ") ranked WHERE position <= ? ORDER BY webhook_id, id DESC"
    )
    params: list[Any] = [*webhook_ids, *([] if status is None else [status]), first]
    return [_delivery(row) for row in await sql.fetch(statement, params)]


# `attemptLog` is a plain list: it shows a delivery's newest attempts, at most this many.
MAX_ATTEMPTS_SHOWN = 50


async def attempts_for_deliveries(delivery_ids: Sequence[int]) -> list[sql.Row]:
    """The newest MAX_ATTEMPTS_SHOWN attempts of each of these deliveries, oldest first."""
    statement = (
        "SELECT delivery_id, attempted_at, status_code, error, duration_ms FROM ("
        "SELECT *, ROW_NUMBER() OVER ("
        "PARTITION BY delivery_id ORDER BY attempted_at DESC, id DESC) AS position "
        "FROM webhook_attempt "
        f"WHERE delivery_id IN ({sql.placeholders(len(delivery_ids))})"
        ") ranked WHERE position <= ? ORDER BY delivery_id, attempted_at, id"
    )
    return await sql.fetch(statement, [*delivery_ids, MAX_ATTEMPTS_SHOWN])


def _webhook(row: sql.Row) -> sql.Row:
    # SQLite hands back JSON as text and booleans as 0/1; PostgreSQL decodes both.
    return {**row, "events": _json(row["events"]), "active": bool(row["active"])}


def _delivery(row: sql.Row) -> sql.Row:
    return {**row, "payload": _json(row["payload"])}


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value

"""Keeps SQLite's FTS5 table in step with posts; PostgreSQL needs nothing (generated column)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from graph import db
from graph.danish import stems
from graph.read import sql


def _stemmed(text: str) -> str:
    return " ".join(stems(text))


async def reindex_posts(post_ids: Iterable[int]) -> None:
    """Re-derive the search rows of these posts from their current text (SQLite only)."""
    ids = list(post_ids)
    if not ids or db.dialect() == "postgres":
        return
    connection = db.connection()
    marks = sql.placeholders(len(ids))
    await connection.execute_query(f"DELETE FROM post_search WHERE rowid IN ({marks})", ids)
    rows = await sql.fetch(f"SELECT id, title, teaser, body FROM post WHERE id IN ({marks})", ids)
    # Stemming a long body takes a tenth of a second: off the event loop.
    stemmed = await asyncio.to_thread(_stemmed_rows, rows)
    await connection.execute_many(
        "INSERT INTO post_search (rowid, title, teaser, body) VALUES (?, ?, ?, ?)", stemmed
    )


def _stemmed_rows(rows: list[sql.Row]) -> list[list[object]]:
    return [
        [row["id"], _stemmed(row["title"]), _stemmed(row["teaser"]), _stemmed(row["body"])]
        for row in rows
    ]

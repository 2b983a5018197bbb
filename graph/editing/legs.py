"""Legs: a relay's published posts numbered 1, 2, 3 … in publication order."""

from __future__ import annotations

from graph import models
from graph.read import sql

# Correlated subqueries rather than UPDATE … FROM: the same statement runs on SQLite and
# PostgreSQL, and a relay has tens to hundreds of posts, not millions.
_NUMBER_PUBLISHED = """
UPDATE post SET leg = (
    SELECT COUNT(*) FROM post q
    WHERE q.relay_id = post.relay_id AND q.status = 'published'
      AND (q.published_at < post.published_at
           OR (q.published_at = post.published_at AND q.id <= post.id))
)
WHERE relay_id = ? AND status = 'published'
"""
_CLEAR_UNPUBLISHED = (
    "UPDATE post SET leg = NULL WHERE relay_id = ? AND status <> 'published' AND leg IS NOT NULL"
)


async def renumber_legs(relay_id: int) -> None:
    """Give the relay's published posts legs 1..n by publication time; others none."""
    # Two publishes in one relay at once would each count without the other's row: the
    # relay's row lock makes the second wait until the first has committed (PostgreSQL;
    # SQLite runs one write transaction at a time anyway).
    await models.Relay.select_for_update().filter(id=relay_id).first()
    for statement in (_NUMBER_PUBLISHED, _CLEAR_UNPUBLISHED):
        await sql.execute(statement, [relay_id])

"""Batons as the API shows them: by id, and each relay's current one; one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence

from graph.read import sql

COLUMNS = (
    "id, relay_id, author_id, due_on, state, passed_by, passed_at, invitation_sent_at, "
    "reminder_sent_at, overdue_sent_at, handed_on_at, post_id"
)


async def batons_by_ids(baton_ids: Sequence[int]) -> list[sql.Row]:
    """The batons with these ids."""
    statement = f"SELECT {COLUMNS} FROM baton WHERE id IN ({sql.placeholders(len(baton_ids))})"
    return await sql.fetch(statement, baton_ids)


async def current_batons_for_relays(relay_ids: Sequence[int]) -> list[sql.Row]:
    """Each relay's held baton, or if none is held its latest one (relays without: absent)."""
    statement = (
        f"SELECT {COLUMNS} FROM (SELECT {COLUMNS}, ROW_NUMBER() OVER (PARTITION BY relay_id "
        "ORDER BY CASE WHEN state = 'held' THEN 0 ELSE 1 END, id DESC) AS place FROM baton "
        f"WHERE relay_id IN ({sql.placeholders(len(relay_ids))})) ranked WHERE place = 1"
    )
    return await sql.fetch(statement, relay_ids)

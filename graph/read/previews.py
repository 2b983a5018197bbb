"""Staged edits and preview links as rows: the pending version of posts, and the post a
preview token opens, with its pending version laid over the live one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from graph import models
from graph.read import posts, sql
from graph.read.access import EDITOR
from graph.read.columns import PENDING_CONTENT, columns_of

PENDING_COLUMNS = ", ".join(name for name in columns_of(models.PostPending) if name != "id")
# What a pending version replaces in a post row.
CONTENT = PENDING_CONTENT


async def pending_for_posts(post_ids: Sequence[int]) -> list[sql.Row]:
    """The pending versions of these posts (posts without one have no row), JSON decoded."""
    statement = (
        f"SELECT {PENDING_COLUMNS} FROM post_pending "
        f"WHERE post_id IN ({sql.placeholders(len(post_ids))})"
    )
    rows = await sql.fetch(statement, post_ids)
    for row in rows:
        row["bylines"] = [
            {**byline, "post_id": row["post_id"]} for byline in sql.from_json(row["bylines"])
        ]
        row["changed"] = sql.from_json(row["changed"])
    return rows


@dataclass(frozen=True)
class Previewed:
    """A post as it would look published: its row with the pending content, and the
    pending bylines (None: the live ones stand)."""

    row: sql.Row
    bylines: list[sql.Row] | None


async def previewed_post(token_hash: str, now: dt.datetime) -> Previewed | None:
    """The post a live (unexpired, unrevoked) preview token opens; None for any other."""
    statement = (
        "SELECT post_id FROM preview_link "
        "WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?"
    )
    links = await sql.fetch(statement, [token_hash, now])
    if not links:
        return None
    post_id = links[0]["post_id"]
    found = await posts.posts_by_ids([post_id], EDITOR)
    if not found:
        return None
    row = found[0]
    pending = await pending_for_posts([post_id])
    if not pending:
        return Previewed(row, None)
    staged = pending[0]
    overlaid = {**row, **{name: staged[name] for name in CONTENT}}
    return Previewed(overlaid, staged["bylines"] if "bylines" in staged["changed"] else None)

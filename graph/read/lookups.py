"""Rows by id or slug, and the small relations hanging off them; one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.read import sql
from graph.read.access import Access

COLUMNS = {
    "relay": "id, slug, title, intro, status, started_on, ended_on, version",
    "author": "id, slug, name, bio, email, sort_key, version",
    "organization": "id, slug, name, short_name, kind, sort_key, version",
    "category": "id, slug, name, sort_key",
}

# The columns of a joined author (alias a) or organisation (alias o), kept apart by prefix.
AUTHOR_AS_A = sql.prefixed("a", COLUMNS["author"], "author")
ORGANIZATION_AS_O = sql.prefixed("o", COLUMNS["organization"], "organization")


async def rows_by(table: str, column: str, values: Sequence[Any]) -> list[sql.Row]:
    """Rows of a simple table (relay, author, organization, category) by id or slug."""
    if column not in ("id", "slug"):
        raise ValueError(f"rows_by looks up by id or slug, not {column!r}")
    statement = (
        f"SELECT {COLUMNS[table]} FROM {table} WHERE {column} IN ({sql.placeholders(len(values))})"
    )
    return await sql.fetch(statement, values)


async def all_categories() -> list[sql.Row]:
    """Every category, in Danish alphabetical order."""
    return await sql.fetch(f"SELECT {COLUMNS['category']} FROM category ORDER BY sort_key, id")


async def revisions_for_posts(post_ids: Sequence[int], newest: int) -> list[sql.Row]:
    """The `newest` revisions of each of these posts, newest first."""
    statement = (
        "SELECT id, post_id, version, actor, created_at, changes FROM ("
        "SELECT *, ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY version DESC) AS position "
        f"FROM post_revision WHERE post_id IN ({sql.placeholders(len(post_ids))})"
        ") ranked WHERE position <= ? ORDER BY post_id, version DESC"
    )
    return await sql.fetch(statement, [*post_ids, newest])


async def bylines_for_posts(post_ids: Sequence[int], people: bool = False) -> list[sql.Row]:
    """Bylines of these posts, in printed order; with `people`, each with its `author` and
    `organization` row joined in (the organisation None when the byline names none)."""
    columns, joins = "b.post_id, b.author_id, b.role, b.organization_id", ""
    if people:
        columns += f", {AUTHOR_AS_A}, {ORGANIZATION_AS_O}"
        joins = (
            "JOIN author a ON a.id = b.author_id "
            "LEFT JOIN organization o ON o.id = b.organization_id"
        )
    statement = (
        f"SELECT {columns} FROM byline b {joins} "
        f"WHERE b.post_id IN ({sql.placeholders(len(post_ids))}) ORDER BY b.post_id, b.position"
    )
    rows = await sql.fetch(statement, post_ids)
    return sql.nest(rows, ["author", "organization"]) if people else rows


async def affiliations_for_authors(
    author_ids: Sequence[int], organizations: bool = False
) -> list[sql.Row]:
    """Affiliations of these authors, in their stated order; with `organizations`, each with
    its `organization` row joined in."""
    columns, joins = "af.author_id, af.organization_id, af.role", ""
    if organizations:
        columns += f", {ORGANIZATION_AS_O}"
        joins = "JOIN organization o ON o.id = af.organization_id"
    statement = (
        f"SELECT {columns} FROM affiliation af {joins} "
        f"WHERE af.author_id IN ({sql.placeholders(len(author_ids))}) "
        "ORDER BY af.author_id, af.position, af.id"
    )
    rows = await sql.fetch(statement, author_ids)
    return sql.nest(rows, ["organization"]) if organizations else rows


async def authors_for_organizations(
    organization_ids: Sequence[int], authors: bool = False
) -> list[sql.Row]:
    """(organization_id, author_id) for each affiliated author, by name (Danish order); with
    `authors`, each with its `author` row joined in."""
    joined = f", {AUTHOR_AS_A}" if authors else ""
    statement = (
        f"SELECT af.organization_id, af.author_id{joined} FROM affiliation af "
        "JOIN author a ON a.id = af.author_id "
        f"WHERE af.organization_id IN ({sql.placeholders(len(organization_ids))}) "
        "ORDER BY af.organization_id, a.sort_key, a.id"
    )
    rows = await sql.fetch(statement, organization_ids)
    return sql.nest(rows, ["author"]) if authors else rows


async def contributors_for_relays(
    relay_ids: Sequence[int], access: Access, authors: bool = False
) -> list[sql.Row]:
    """(relay_id, author_id) for every author with a visible post, in leg order; with
    `authors`, each with its `author` row joined in."""
    statement = (
        "SELECT p.relay_id, b.author_id, MIN(p.leg) AS first_leg FROM byline b "
        "JOIN post p ON p.id = b.post_id "
        f"WHERE p.relay_id IN ({sql.placeholders(len(relay_ids))}) "
        f"AND {access.visible_posts()} "
        "GROUP BY p.relay_id, b.author_id"
    )
    order = "ORDER BY t.relay_id, t.first_leg, t.author_id"
    if not authors:
        return await sql.fetch(f"SELECT * FROM ({statement}) t {order}", relay_ids)
    joined = (
        f"SELECT t.relay_id, t.author_id, {AUTHOR_AS_A} "
        f"FROM ({statement}) t JOIN author a ON a.id = t.author_id {order}"
    )
    return sql.nest(await sql.fetch(joined, relay_ids), ["author"])

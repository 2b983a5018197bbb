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


async def revisions_for_posts(post_ids: Sequence[int]) -> list[sql.Row]:
    """Revisions of these posts, newest first."""
    statement = (
        "SELECT id, post_id, version, actor, created_at, changes FROM post_revision "
        f"WHERE post_id IN ({sql.placeholders(len(post_ids))}) ORDER BY post_id, version DESC"
    )
    return await sql.fetch(statement, post_ids)


async def bylines_for_posts(post_ids: Sequence[int]) -> list[sql.Row]:
    """Bylines of these posts, in printed order."""
    statement = (
        "SELECT post_id, author_id, role, organization_id FROM byline "
        f"WHERE post_id IN ({sql.placeholders(len(post_ids))}) ORDER BY post_id, position"
    )
    return await sql.fetch(statement, post_ids)


async def affiliations_for_authors(author_ids: Sequence[int]) -> list[sql.Row]:
    """Affiliations of these authors, in their stated order."""
    statement = (
        "SELECT author_id, organization_id, role FROM affiliation "
        f"WHERE author_id IN ({sql.placeholders(len(author_ids))}) "
        "ORDER BY author_id, position, id"
    )
    return await sql.fetch(statement, author_ids)


async def authors_for_organizations(organization_ids: Sequence[int]) -> list[sql.Row]:
    """(organization_id, author_id) for each affiliated author, by name (Danish order)."""
    statement = (
        "SELECT af.organization_id, af.author_id FROM affiliation af "
        "JOIN author a ON a.id = af.author_id "
        f"WHERE af.organization_id IN ({sql.placeholders(len(organization_ids))}) "
        "ORDER BY af.organization_id, a.sort_key, a.id"
    )
    return await sql.fetch(statement, organization_ids)


async def contributors_for_relays(relay_ids: Sequence[int], access: Access) -> list[sql.Row]:
    """(relay_id, author_id) for every author with a visible post, in leg order."""
    statement = (
        "SELECT p.relay_id, b.author_id, MIN(p.leg) AS first_leg FROM byline b "
        "JOIN post p ON p.id = b.post_id "
        f"WHERE p.relay_id IN ({sql.placeholders(len(relay_ids))}) "
        f"AND {access.visible_posts()} "
        "GROUP BY p.relay_id, b.author_id ORDER BY p.relay_id, first_leg, b.author_id"
    )
    return await sql.fetch(statement, relay_ids)

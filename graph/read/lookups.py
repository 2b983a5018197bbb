"""Rows by id or slug, and the small relations hanging off them; one statement per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graph import models
from graph.read import sql
from graph.read.access import Access
from graph.read.columns import columns_of
from graph.read.pages import rows_to_fetch

COLUMNS = {
    model._meta.db_table: ", ".join(columns_of(model))
    for model in (models.Relay, models.Author, models.Organization, models.Category)
}

# The columns of a joined author (alias a) or organisation (alias o), kept apart by prefix.
AUTHOR_AS_A = sql.prefixed("a", COLUMNS["author"], "author")
ORGANIZATION_AS_O = sql.prefixed("o", COLUMNS["organization"], "organization")
# An author's own columns (alias a), unprefixed.
AUTHOR_COLUMNS = ", ".join(f"a.{column}" for column in COLUMNS["author"].split(", "))


async def rows_by(table: str, column: str, values: Sequence[Any]) -> list[sql.Row]:
    """Rows of a simple table (relay, author, organization, category) by id.

    By slug, use `rows_by_slug`: it finds old slugs too.
    """
    if column != "id":
        raise ValueError(f"rows_by looks up by id, not {column!r} (slugs: rows_by_slug)")
    statement = (
        f"SELECT {COLUMNS[table]} FROM {table} WHERE {column} IN ({sql.placeholders(len(values))})"
    )
    return await sql.fetch(statement, values)


def slug_matches(table: str, count: int) -> str:
    """(asked_slug, target_id, slug_rank) for `count` slugs of a kind: live ones (rank 0) and
    old ones (rank 1). A slug can match both (another object took an old one): the live
    one wins, see `best_per_slug`."""
    marks = sql.placeholders(count)
    return (
        f"SELECT slug AS asked_slug, id AS target_id, 0 AS slug_rank FROM {table} "
        f"WHERE slug IN ({marks}) UNION ALL "
        "SELECT slug AS asked_slug, object_id AS target_id, 1 AS slug_rank FROM slug_history "
        f"WHERE kind = '{table}' AND slug IN ({marks})"
    )


def slug_target(table: str) -> str:
    """An SQL expression: the id of the object of `table` one `?` slug names, live or old
    (a live slug wins); NULL when none has it. Takes the slug twice."""
    return (
        f"COALESCE((SELECT id FROM {table} WHERE slug = ?), "
        f"(SELECT object_id FROM slug_history WHERE kind = '{table}' AND slug = ?))"
    )


def best_per_slug(rows: list[sql.Row]) -> list[sql.Row]:
    """One row per asked slug: the live match if any, else the old one. Each keeps
    `asked_slug`; its `slug` is the object's current one."""
    best: dict[str, sql.Row] = {}
    for row in sorted(rows, key=lambda row: row["slug_rank"]):
        best.setdefault(row["asked_slug"], row)
    for row in best.values():
        del row["slug_rank"]
    return list(best.values())


async def rows_by_slug(table: str, slugs: Sequence[str]) -> list[sql.Row]:
    """Rows of a simple table by slug, live or old, one per slug found (`asked_slug` says
    which; `slug` is the current one)."""
    columns = ", ".join(f"t.{column}" for column in COLUMNS[table].split(", "))
    statement = (
        f"SELECT {columns}, k.asked_slug, k.slug_rank "
        f"FROM ({slug_matches(table, len(slugs))}) k JOIN {table} t ON t.id = k.target_id"
    )
    return best_per_slug(await sql.fetch(statement, [*slugs, *slugs]))


async def previous_slugs(kind: str, object_ids: Sequence[int], newest: int) -> list[sql.Row]:
    """(object_id, slug) of the `newest` old slugs of each of these objects, newest first."""
    statement = (
        "SELECT object_id, slug FROM ("
        "SELECT object_id, slug, retired_at, id, ROW_NUMBER() OVER ("
        "PARTITION BY object_id ORDER BY retired_at DESC, id DESC) AS position "
        f"FROM slug_history WHERE kind = ? AND object_id IN ({sql.placeholders(len(object_ids))})"
        ") ranked WHERE position <= ? ORDER BY object_id, position"
    )
    return await sql.fetch(statement, [kind, *object_ids, newest])


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


class People(Enum):
    """Which authors of a parent a page lists, and in what order."""

    # A relay's: everyone with a visible post, by their first leg in it.
    CONTRIBUTORS = "contributors"
    # An organisation's: everyone affiliated, by name (Danish order).
    MEMBERS = "members"


# An author page's key: the sort value (a first leg, or a name's sort key) and the author id.
AuthorKey = tuple[Any, int]


@dataclass(frozen=True)
class AuthorPage:
    """`first` authors after the key `after` (exclusive), in the list's order."""

    first: int
    after: AuthorKey | None = None


# Drafts an editor sees have no leg: their authors follow everyone with one, on both
# databases alike (the largest 32-bit integer, the type of `leg`).
NO_LEG = 2**31 - 1


def _ranked(people: People, parent_count: int, access: Access) -> str:
    """(parent_key, author_id, sort_value) for every author of these parents."""
    marks = sql.placeholders(parent_count)
    if people is People.CONTRIBUTORS:
        return (
            f"SELECT p.relay_id AS parent_key, b.author_id, COALESCE(MIN(p.leg), {NO_LEG}) "
            "AS sort_value FROM byline b JOIN post p ON p.id = b.post_id "
            f"WHERE p.relay_id IN ({marks}) AND {access.visible_posts()} "
            "GROUP BY p.relay_id, b.author_id"
        )
    return (
        "SELECT af.organization_id AS parent_key, af.author_id, a.sort_key AS sort_value "
        "FROM affiliation af JOIN author a ON a.id = af.author_id "
        f"WHERE af.organization_id IN ({marks})"
    )


async def author_pages(
    people: People, parent_ids: Sequence[int], page: AuthorPage, access: Access
) -> dict[int, list[sql.Row]]:
    """Up to `first + 1` authors per parent after the page's key, keyed by parent id.

    Each row is the `author` row with the parent's id (`parent_key`) and the author's place
    in the list (`sort_value`). One statement: every parent's authors numbered in order with
    ROW_NUMBER(), cut at `first + 1`. (A relay's contributors are grouped from all its posts
    anyway, so numbering them costs little more than finding them.)
    """
    unique = list(dict.fromkeys(parent_ids))
    condition = "1 = 1"
    params: list[Any] = list(unique)
    if page.after is not None:
        condition = "(r.sort_value > ? OR (r.sort_value = ? AND r.author_id > ?))"
        params += [page.after[0], page.after[0], page.after[1]]
    numbered = (
        "SELECT r.parent_key, r.author_id, r.sort_value, ROW_NUMBER() OVER ("
        "PARTITION BY r.parent_key ORDER BY r.sort_value, r.author_id) AS n "
        f"FROM ({_ranked(people, len(unique), access)}) r WHERE {condition}"
    )
    statement = (
        f"SELECT t.parent_key, t.sort_value, {AUTHOR_COLUMNS} FROM ({numbered}) t "
        "JOIN author a ON a.id = t.author_id WHERE t.n <= ? ORDER BY t.parent_key, t.n"
    )
    pages: dict[int, list[sql.Row]] = defaultdict(list)
    for row in await sql.fetch(statement, [*params, rows_to_fetch(page.first)]):
        pages[row["parent_key"]].append(row)
    return pages


async def author_counts(
    people: People, parent_ids: Sequence[int], access: Access
) -> dict[int, int]:
    """How many authors each parent lists in all, keyed by parent id."""
    unique = list(dict.fromkeys(parent_ids))
    statement = (
        f"SELECT r.parent_key, COUNT(*) AS n FROM ({_ranked(people, len(unique), access)}) r "
        "GROUP BY r.parent_key"
    )
    return {row["parent_key"]: row["n"] for row in await sql.fetch(statement, unique)}

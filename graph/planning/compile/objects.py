"""Objects and lists of objects a parent row refers to, each a correlated subquery.

`{ post(slug: "x") { category { name } bylines { role } } }`: `post` is a lookup by slug,
`category` a to-one relation (a scalar subquery by id), `bylines` a to-many one (a `json_agg`
in the list's order). Each object is a Shape written by `statement.object_json`.
"""

from __future__ import annotations

from graph.cache import tags
from graph.planning.compile.statement import Compile, Statement, object_json
from graph.planning.nodes import Join, Shape
from graph.read.lookups import slug_matches
from graph.request.loaders import MAX_PREVIOUS_SLUGS


def object_of(statement: Statement, shape: Shape, alias: str, extra_tags: str | None = None) -> str:
    """The Shape's object made from the row `alias`."""
    return object_json(statement, shape, alias, extra_tags)


def only(join: Join) -> Shape:
    """A Join's one Shape (every Join but `node(id:)` has one)."""
    (shape,) = join.shapes.values()
    return shape


def same_row(statement: Statement, join: Join, parent: str | None) -> str:
    """An edge's node: made from the edge's own row.

    `{ posts(first: 2) { edges { node { slug } } } }`: `node` is the same row (alias x) as
    its edge, so it costs nothing."""
    assert parent is not None
    return object_of(statement, only(join), parent)


def to_one(table: str, column: str) -> Compile:
    """The `table` row whose id is the parent's `column`, or null.

    `{ post(slug: "x") { category { name } } }` → `(SELECT json_build_object('#', …, 'name',
    o2.name) FROM category o2 WHERE o2.id = s1.category_id)`."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        alias = statement.alias("o")
        found = object_of(statement, only(join), alias)
        return f"(SELECT {found} FROM {table} {alias} WHERE {alias}.id = {parent}.{column})"

    return compile


def listed(table: str, column: str, order: str) -> Compile:
    """The parent's rows of `table` (their `column` is its id), in `order`, as a list.

    `{ post(slug: "x") { bylines { role } } }` → `(SELECT COALESCE(json_agg(… ORDER BY
    l2.position), '[]'::json) FROM byline l2 WHERE l2.post_id = s1.id)`."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        alias = statement.alias("l")
        made = object_of(statement, only(join), alias)
        ordered = ", ".join(f"{alias}.{key}" for key in order.split(", "))
        return (
            f"(SELECT COALESCE(json_agg({made} ORDER BY {ordered}), '[]'::json) "
            f"FROM {table} {alias} WHERE {alias}.{column} = {parent}.id)"
        )

    return compile


def categories(statement: Statement, join: Join, parent: str | None) -> str:
    """Every category, in Danish alphabetical order: `{ categories { name } }`."""
    statement.tags.add(tags.CATEGORIES)
    alias = statement.alias("c")
    made = object_of(statement, only(join), alias)
    order = f"{alias}.sort_key, {alias}.id"
    return f"(SELECT COALESCE(json_agg({made} ORDER BY {order}), '[]'::json) FROM category {alias})"


def previous_slugs(kind: str) -> Compile:
    """The parent's old slugs, newest first: `{ relay(slug: "x") { previousSlugs } }`, a
    JSON array of texts."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        alias = statement.alias("h")
        newest = (
            f"SELECT slug, retired_at, id FROM slug_history WHERE kind = '{kind}' "
            f"AND object_id = {parent}.id ORDER BY retired_at DESC, id DESC "
            f"LIMIT {MAX_PREVIOUS_SLUGS}"
        )
        return (
            f"(SELECT COALESCE(json_agg({alias}.slug ORDER BY {alias}.retired_at DESC, "
            f"{alias}.id DESC), '[]'::json) FROM ({newest}) {alias})"
        )

    return compile


def by_slug(type_name: str) -> Compile:
    """The object with the `slug` argument, live or old (a live one wins); a miss, or a find
    by an old slug, also tags the answer with its kind's list.

    `{ relay(slug: "old-name") { slug } }`: the live slug (rank 0) or an old one (rank 1) from
    `slug_history`, the best rank first; its slug is then the current one (a redirect)."""
    table = type_name.lower()

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        slug = statement.arguments(join)["slug"]
        visible = statement.request.access.visible_posts("t") if table == "post" else "1 = 1"
        matches = statement.bind(slug_matches(table, 1), [slug, slug])
        alias = statement.alias("s")
        found = (
            f"SELECT t.*, k.asked_slug FROM ({matches}) k JOIN {table} t ON t.id = k.target_id "
            f"WHERE {visible} ORDER BY k.slug_rank LIMIT 1"
        )
        listed_too = tags.LIST_OF[type_name]
        old = f"CASE WHEN {alias}.slug = {alias}.asked_slug THEN '' ELSE ' {listed_too}' END"
        statement.if_null.append((join.key, listed_too))
        return f"(SELECT {object_of(statement, only(join), alias, old)} FROM ({found}) {alias})"

    return compile


def neighbour(column: str) -> Compile:
    """The visible post before (`prev_id`) or after (`next_id`) the parent in its relay, as
    `graph.read.posts.neighbours` finds it.

    `{ post(slug: "x") { previous { slug } next { slug } } }`: for anonymous callers one step
    along the `(relay_id, leg)` index each; for editors (drafts have no leg) LAG/LEAD over
    the relay's posts."""
    op, order = ("<", "DESC") if column == "prev_id" else (">", "ASC")

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        access = statement.request.access
        if not access.drafts:
            step = (
                f"SELECT q.id FROM post q WHERE q.relay_id = {parent}.relay_id "
                f"AND {access.visible_posts('q')} AND q.leg {op}= {parent}.leg "
                f"AND (q.leg {op} {parent}.leg OR q.id {op} {parent}.id) "
                f"ORDER BY q.leg {order}, q.id {order} LIMIT 1"
            )
        else:
            step = (
                f"SELECT w.{column} FROM (SELECT q.id, LAG(q.id) OVER z AS prev_id, "
                f"LEAD(q.id) OVER z AS next_id FROM post q WHERE q.relay_id = {parent}.relay_id "
                f"AND {access.visible_posts('q')} WINDOW z AS (ORDER BY q.leg, q.id)) w "
                f"WHERE w.id = {parent}.id"
            )
        alias = statement.alias("n")
        found = object_of(statement, only(join), alias)
        return (
            f"(SELECT {found} FROM post {alias} WHERE {alias}.id = ({step}) "
            f"AND {access.visible_posts(alias)})"
        )

    return compile

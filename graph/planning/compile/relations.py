"""Each object-valued field as a SQL subquery that writes its JSON, correlated with its parent.

    { relay(slug: "x") { title bylineCount: posts(first: 2) { totalCount } } }

`relay` is a lookup (`by_slug`): one row picked from the live and old slugs; `posts` is a
connection (`post_page`): the page's rows in a subquery cut at `first + 1`, numbered, then
aggregated into edges, page info, tags and (when asked) the total; a to-one relation such as
`Post.category` (`to_one`) is a scalar subquery by id; a to-many one such as `Post.bylines`
(`listed`) is a `json_agg` in the list's order. The conditions are the read layer's own
(visibility, filters, slugs), so a rule is written once for both ways a plan runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.api.cursors import author_key
from graph.api.filters import filter_from_arguments, filter_tags
from graph.api.loaders import MAX_PREVIOUS_SLUGS
from graph.api.pagination import check_first, decode_keyed_cursor, parse_text, parse_timestamp
from graph.cache import tags
from graph.planning.compile import values
from graph.planning.compile.statement import (
    Compile,
    Statement,
    entity_tags,
    json_object,
    object_json,
)
from graph.planning.nodes import Join, Leaf, Shape
from graph.read import lists
from graph.read.lookups import NO_LEG, People, slug_matches
from graph.read.posts import Scope, filter_conditions, listed_condition

PAGE_INFO = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"})


def joins(join: Join) -> Compile:
    """The compiler of one Join (`covers` has checked it has one)."""
    parent, name = join.field
    if parent.endswith("Edge") and name == "node":
        return same_row
    return RELATIONS[join.field]


def _object(statement: Statement, shape: Shape, alias: str, extra_tags: str | None = None) -> str:
    return object_json(statement, shape, alias, joins, extra_tags)


def _only(join: Join) -> Shape:
    (shape,) = join.shapes.values()
    return shape


def same_row(statement: Statement, join: Join, parent: str | None) -> str:
    """An edge's node: made from the edge's own row.

    `{ posts(first: 2) { edges { node { slug } } } }`: `node` is the same row (alias x) as
    its edge, so it costs nothing."""
    assert parent is not None
    return _object(statement, _only(join), parent)


def to_one(table: str, column: str) -> Compile:
    """The `table` row whose id is the parent's `column`, or null.

    `{ post(slug: "x") { category { name } } }` → `(SELECT json_build_object('#', …, 'name',
    o2.name) FROM category o2 WHERE o2.id = s1.category_id)`."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        alias = statement.alias("o")
        found = _object(statement, _only(join), alias)
        return f"(SELECT {found} FROM {table} {alias} WHERE {alias}.id = {parent}.{column})"

    return compile


def listed(table: str, column: str, order: str) -> Compile:
    """The parent's rows of `table` (their `column` is its id), in `order`, as a list.

    `{ post(slug: "x") { bylines { role } } }` → `(SELECT COALESCE(json_agg(… ORDER BY
    l2.position), '[]'::json) FROM byline l2 WHERE l2.post_id = s1.id)`."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        alias = statement.alias("l")
        made = _object(statement, _only(join), alias)
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
    made = _object(statement, _only(join), alias)
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
        return f"(SELECT {_object(statement, _only(join), alias, old)} FROM ({found}) {alias})"

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
        found = _object(statement, _only(join), alias)
        return (
            f"(SELECT {found} FROM post {alias} WHERE {alias}.id = ({step}) "
            f"AND {access.visible_posts(alias)})"
        )

    return compile


def connection(
    statement: Statement,
    join: Join,
    page: str,
    order: str,
    cursor: Callable[[str], str],
    row_tags: str,
    count: str,
    list_tags: str,
    first: int,
    after: Any,
) -> str:
    """A connection's JSON from `page`, its rows (up to `first + 1`, alias `q` in `order`).

    The rows are numbered; those within `first` make the edges and tag the answer, the one
    past them says a next page exists. The aggregate row (alias g) has the columns the
    catalogue's page-info readers read: has_next, has_previous, start, end, count.
    """
    shape = _only(join)
    g, x = statement.alias("g"), statement.alias("x")
    limit = statement.param(first)
    within = f"FILTER (WHERE {x}.rn <= {limit})"
    cursors = f"array_agg({x}.cursor ORDER BY {x}.rn) {within}"
    counted = _counted(shape)
    columns = [
        f"count(*) > {limit} AS has_next",
        f"{values.literal(after is not None)} AS has_previous",
        f"({cursors})[1] AS start",
        f'({cursors})[least(count(*), {limit})] AS "end"',
        f"string_agg({row_tags.replace('{x}', x)}, ' ' ORDER BY {x}.rn) {within} AS tags",
        f"({count.replace('{x}', x)}) AS count" if counted else "NULL AS count",
    ]
    pairs = [("#", f"concat_ws(' ', {list_tags}, {g}.tags)")]
    for item in shape.fields:
        if isinstance(item, Leaf):
            pairs.append((item.key, item.sql(g) if item.sql else "NULL"))
        elif item.field[1] == "pageInfo":
            pairs.append((item.key, _object(statement, _only(item), g)))
        else:  # edges
            made = _object(statement, _only(item), x)
            name = f"edges{len(columns)}"
            columns.append(
                f"COALESCE(json_agg({made} ORDER BY {x}.rn) {within}, '[]'::json) AS {name}"
            )
            pairs.append((item.key, f"{g}.{name}"))
    made = cursor("q") if _reads_cursors(shape) else "NULL"
    numbered = (
        f"SELECT row_number() OVER (ORDER BY {order}) AS rn, q.*, {made} AS cursor FROM ({page}) q"
    )
    aggregate = f"SELECT {', '.join(columns)} FROM ({numbered}) {x}"
    return f"(SELECT {json_object(pairs)} FROM ({aggregate}) {g})"


CURSORS = frozenset({"cursor", "startCursor", "endCursor"})


def _counted(connection: Shape) -> bool:
    """Whether a connection's `totalCount` is asked for: only then is it counted."""
    return any(isinstance(item, Leaf) and item.field == "totalCount" for item in connection.fields)


def _reads_cursors(connection: Shape) -> bool:
    """Whether a connection's edges or page info show a cursor: only then is one made."""
    return any(
        isinstance(item, Leaf) and item.field in CURSORS
        for join in connection.joins
        for shape in join.shapes.values()
        for item in shape.fields
    )


def _status(arguments: dict[str, Any]) -> str | None:
    """The stored value of the `status` argument (an enum member), if given."""
    status = arguments.get("status")
    return None if status is None else str(status.value)


def _relay_posts(relay: str | None) -> str:
    """SQL for `tags.relay_posts` of the relay `relay`."""
    return f"'{tags.relay_posts(0).removesuffix('0')}' || {relay}.id"


def _post_cursor(alias: str) -> str:
    return values.cursor([values.json_text(values.utc_moment(f"{alias}.sort_at")), f"{alias}.id"])


def _scope(scope: Scope, parent: str | None) -> tuple[str, str]:
    """(FROM clause, condition on the parent) of a page of posts under `parent`."""
    if scope is Scope.ALL:
        return "post p", "1 = 1"
    if scope is Scope.RELAY:
        return "post p", f"p.relay_id = {parent}.id"
    if scope is Scope.CATEGORY:
        return "post p", f"p.category_id = {parent}.id"
    column = "author_id" if scope is Scope.AUTHOR else "organization_id"
    # DISTINCT: two bylines from one organisation must not list the post twice.
    source = (
        f"post p JOIN (SELECT DISTINCT post_id FROM byline WHERE {column} = {parent}.id) k "
        "ON k.post_id = p.id"
    )
    return source, "1 = 1"


# Scopes whose posts come through bylines: a page visits every post of its parent anyway.
BYLINE_SCOPES = (Scope.AUTHOR, Scope.ORGANIZATION)


def _authors_published(
    statement: Statement, parent: str | None, key: Any, first: int
) -> tuple[str, str]:
    """(page, count) of an author's published posts from the byline index that holds each
    post's status and publication time (migration 0009): the newest `first + 1` entries,
    then their posts; the count is index-only. Anonymous callers, no filter."""
    cursor = "1 = 1"
    if key is not None:
        cursor = statement.bind(
            "(b.post_published_at < ? OR (b.post_published_at = ? AND b.post_id < ?))",
            [key[0], key[0], key[1]],
        )
    published = f"b.author_id = {parent}.id AND b.post_status = 'published'"
    newest = (
        f"SELECT b.post_id FROM byline b WHERE {published} AND {cursor} "
        f"ORDER BY b.post_published_at DESC, b.post_id DESC LIMIT {statement.param(first + 1)}"
    )
    page = (
        f"SELECT p.*, p.published_at AS sort_at FROM ({newest}) k JOIN post p ON p.id = k.post_id "
        "WHERE p.status = 'published'"
    )
    return page, f"SELECT count(*) FROM byline b WHERE {published}"


def _page_counted(
    statement: Statement,
    source: str,
    every: str,
    sort: str,
    key: Any,
    first: int,
    count: str,
) -> tuple[str, str]:
    """(page, count) of an author's or organisation's posts from one pass over them.

    Through bylines the page must sort all of the parent's posts (an author's 1,775 at M),
    and the count visits them all again; here the page carries `count(*) OVER ()` taken
    before the cursor's condition, and the separate count runs only for a page past the end.
    """
    condition = "1 = 1"
    if key is not None:
        condition = statement.bind(
            "(t.sort_at < ? OR (t.sort_at = ? AND t.id < ?))", [key[0], key[0], key[1]]
        )
    counted = (
        f"SELECT p.*, {sort} AS sort_at, count(*) OVER () AS total FROM {source} WHERE {every}"
    )
    page = (
        f"SELECT t.* FROM ({counted}) t WHERE {condition} "
        f"ORDER BY t.sort_at DESC, t.id DESC LIMIT {statement.param(first + 1)}"
    )
    return page, f"COALESCE(max({{x}}.total), ({count}))"


def post_page(scope: Scope) -> Compile:
    """A page of posts under the parent, newest first (`graph.read.posts.post_pages`).

    `{ relay(slug: "x") { posts(first: 2, filter: {category: "ledelse"}) { totalCount } } }`:
    the rows are the read layer's (its filter, visibility and cursor conditions) cut at
    `first + 1`; the count is the same conditions without the cursor's."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        arguments = statement.arguments(join)
        first, after = check_first(arguments["first"]), arguments["after"]
        key = decode_keyed_cursor(after, parse_timestamp)
        post_filter = filter_from_arguments(arguments.get("filter"))
        access = statement.request.access
        source, parent_where = _scope(scope, parent)
        conditions, params = filter_conditions(post_filter)
        where = [parent_where, listed_condition(post_filter, access), *conditions]
        sort = access.sort_time()
        every = statement.bind(" AND ".join(where), params)
        count = f"SELECT count(*) FROM {source} WHERE {every}"
        if scope is Scope.AUTHOR and not access.drafts and not conditions and not params:
            page, count = _authors_published(statement, parent, key, first)
        elif scope in BYLINE_SCOPES and _counted(_only(join)):
            page, count = _page_counted(statement, source, every, sort, key, first, count)
        else:
            cursor_params: list[Any] = []
            if key is not None:
                where.append(f"({sort} < ? OR ({sort} = ? AND p.id < ?))")
                cursor_params = [key[0], key[0], key[1]]
            condition = statement.bind(" AND ".join(where), [*params, *cursor_params])
            page = (
                f"SELECT p.*, {sort} AS sort_at FROM {source} WHERE {condition} "
                f"ORDER BY {sort} DESC, p.id DESC LIMIT {statement.param(first + 1)}"
            )
        named = [values.literal(tag) for tag in filter_tags(post_filter)]
        own = _relay_posts(parent) if scope is Scope.RELAY else values.literal(tags.POSTS)
        list_tags = ", ".join([own, *named])
        post_tags = entity_tags("Post", "{x}")
        assert post_tags is not None
        return connection(
            statement,
            join,
            page,
            "q.sort_at DESC, q.id DESC",
            _post_cursor,
            post_tags,
            count,
            list_tags,
            first,
            after,
        )

    return compile


LIST_TYPES = {"relay": "Relay", "author": "Author", "organization": "Organization"}
LIST_KEYS: dict[str, Callable[[Any], Any]] = {
    "relay": lists.relay_sort_value,
    "author": parse_text,
    "organization": parse_text,
}


def list_page(spec: lists.ListSpec) -> Compile:
    """A page of relays (newest first), authors or organisations (`graph.read.lists.page`).

    `{ relays(first: 10, status: ACTIVE) { edges { cursor node { slug } } } }`: a cursor
    holds the sort value as text (`["2025-04-08",113]`), base64 without padding."""
    op, direction = ("<", "DESC") if spec.descending else (">", "ASC")
    type_name = LIST_TYPES[spec.table]

    def sort_key(alias: str) -> str:
        if spec is lists.RELAYS:
            return values.json_text(values.day(f"{alias}.sort_value"))
        return values.ascii_json_text(f"{alias}.sort_value")

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        arguments = statement.arguments(join)
        first, after = check_first(arguments["first"]), arguments["after"]
        key = decode_keyed_cursor(after, LIST_KEYS[spec.table])
        conditions, params = (
            ([], []) if spec is not lists.RELAYS else lists.relay_conditions(_status(arguments))
        )
        every = statement.bind(" AND ".join(["1 = 1", *conditions]), params)
        count = f"SELECT count(*) FROM {spec.table} WHERE {every}"
        if key is not None:
            conditions = [*conditions, f"({spec.sort} {op} ? OR ({spec.sort} = ? AND id {op} ?))"]
            params = [*params, key[0], key[0], key[1]]
        condition = statement.bind(" AND ".join(["1 = 1", *conditions]), params)
        page = (
            f"SELECT *, {spec.sort} AS sort_value FROM {spec.table} WHERE {condition} "
            f"ORDER BY {spec.sort} {direction}, id {direction} LIMIT {statement.param(first + 1)}"
        )

        def cursor(alias: str) -> str:
            return values.cursor([sort_key(alias), f"{alias}.id"])

        return connection(
            statement,
            join,
            page,
            f"q.sort_value {direction}, q.id {direction}",
            cursor,
            f"'{type_name}:' || {{x}}.id",
            count,
            values.literal(tags.LIST_OF_TABLE[spec.table]),
            first,
            after,
        )

    return compile


def authors(people: People) -> Compile:
    """A page of a relay's contributors (by first leg) or an organisation's authors (by
    name), as `graph.read.lookups.author_pages` lists them.

    `{ relay(slug: "x") { contributors(first: 20) { totalCount edges { node { name } } } } }`:
    each author's first leg, grouped once over the relay's posts, numbered for the page and
    counted on the way."""

    def ranked(statement: Statement, parent: str | None) -> str:
        if people is People.MEMBERS:
            return (
                "SELECT af.author_id, a.sort_key AS sort_value FROM affiliation af "
                f"JOIN author a ON a.id = af.author_id WHERE af.organization_id = {parent}.id"
            )
        visible = statement.request.access.visible_posts()
        return (
            f"SELECT b.author_id, COALESCE(MIN(p.leg), {NO_LEG}) AS sort_value FROM byline b "
            f"JOIN post p ON p.id = b.post_id WHERE p.relay_id = {parent}.id AND {visible} "
            "GROUP BY b.author_id"
        )

    def cursor(alias: str) -> str:
        if people is People.MEMBERS:
            return values.cursor([values.ascii_json_text(f"{alias}.sort_value"), f"{alias}.id"])
        return values.cursor([f"{alias}.sort_value::text", f"{alias}.id"])

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        arguments = statement.arguments(join)
        first, after = check_first(arguments["first"]), arguments["after"]
        key = author_key(people, after)
        condition = "1 = 1"
        if key is not None:
            condition = statement.bind(
                "(r.sort_value > ? OR (r.sort_value = ? AND r.author_id > ?))",
                [key[0], key[0], key[1]],
            )
        every = ranked(statement, parent)
        # A relay's contributors are grouped from all of its posts: do it once, and count
        # them on the way (before the cursor's condition) rather than grouping again.
        total, count = "NULL", f"SELECT count(*) FROM ({every}) r"
        if _counted(_only(join)):
            every = f"SELECT r.*, count(*) OVER () AS total FROM ({every}) r"
            total, count = "r.total", f"COALESCE(max({{x}}.total), ({count}))"
        page = (
            f"SELECT a.*, r.sort_value, {total} AS total FROM ({every}) r "
            f"JOIN author a ON a.id = r.author_id WHERE {condition} "
            f"ORDER BY r.sort_value, r.author_id LIMIT {statement.param(first + 1)}"
        )
        own = _relay_posts(parent) if people is People.CONTRIBUTORS else "NULL"
        return connection(
            statement, join, page, "q.sort_value, q.id", cursor, "'Author:' || {x}.id", count,
            own, first, after,
        )  # fmt: skip

    return compile


RELATIONS: dict[tuple[str, str], Compile] = {
    ("Query", "relay"): by_slug("Relay"),
    ("Query", "post"): by_slug("Post"),
    ("Query", "author"): by_slug("Author"),
    ("Query", "organization"): by_slug("Organization"),
    ("Query", "category"): by_slug("Category"),
    ("Query", "relays"): list_page(lists.RELAYS),
    ("Query", "authors"): list_page(lists.AUTHORS),
    ("Query", "organizations"): list_page(lists.ORGANIZATIONS),
    ("Query", "posts"): post_page(Scope.ALL),
    ("Query", "categories"): categories,
    ("Relay", "posts"): post_page(Scope.RELAY),
    ("Relay", "contributors"): authors(People.CONTRIBUTORS),
    ("Organization", "authors"): authors(People.MEMBERS),
    ("Category", "posts"): post_page(Scope.CATEGORY),
    ("Author", "posts"): post_page(Scope.AUTHOR),
    ("Organization", "posts"): post_page(Scope.ORGANIZATION),
    ("Author", "affiliations"): listed("affiliation", "author_id", "position, id"),
    ("Affiliation", "organization"): to_one("organization", "organization_id"),
    ("Byline", "author"): to_one("author", "author_id"),
    ("Byline", "organization"): to_one("organization", "organization_id"),
    ("Post", "relay"): to_one("relay", "relay_id"),
    ("Post", "category"): to_one("category", "category_id"),
    ("Post", "bylines"): listed("byline", "post_id", "position"),
    ("Post", "previous"): neighbour("prev_id"),
    ("Post", "next"): neighbour("next_id"),
    **{
        (type_name, "previousSlugs"): previous_slugs(type_name.lower())
        for type_name in ("Relay", "Post", "Author", "Organization", "Category")
    },
}
# Planned fields the compiler leaves to the interpreter, and why (tests/planning/test_catalog.py
# checks every other planned field is compiled): a plan holding one runs level by level.
INTERPRETED = {
    ("Query", "search"): "a ranked walk in Python (graph.read.search) over tiers and eras",
    ("Query", "node"): "its type is known only once the id is decoded",
    ("Post", "revisions"): "editors only, rare; revisions' changes are ordered in Python",
    ("Post", "pending"): "editors only, rare; a staged version is read from JSON",
}
CONNECTIONS = frozenset(
    {
        ("Query", "relays"),
        ("Query", "authors"),
        ("Query", "organizations"),
        ("Organization", "authors"),
        ("Query", "posts"),
        ("Relay", "posts"),
        ("Relay", "contributors"),
        ("Category", "posts"),
        ("Author", "posts"),
        ("Organization", "posts"),
    }
)

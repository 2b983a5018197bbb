"""Connections: a page of rows with its edges, page info, cursors, tags and total.

`{ relay(slug: "x") { posts(first: 2) { totalCount pageInfo { endCursor } edges { node {
slug } } } } }`: the page's rows come from the read layer's conditions cut at `first + 1`,
are numbered, and are aggregated in one row (alias g) whose columns the catalogue's page-info
readers read; the edges are a `json_agg` of the rows within `first`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.cache import tags
from graph.paging.cursors import author_key
from graph.paging.filters import filter_from_arguments, filter_tags
from graph.paging.pagination import check_first, decode_keyed_cursor, parse_text, parse_timestamp
from graph.planning.compile.objects import object_of, only
from graph.planning.compile.statement import Compile, Statement, entity_tags, json_object
from graph.planning.nodes import Join, Leaf, Shape
from graph.read import json_sql as values
from graph.read import lists
from graph.read.lookups import NO_LEG, People
from graph.read.pages import rows_to_fetch
from graph.read.posts import Scope, filter_conditions, listed_condition


def page_limit(statement: Statement, first: int) -> str:
    """The LIMIT of a page's rows: `rows_to_fetch(first)`, as a bound parameter."""
    return f"LIMIT {statement.param(rows_to_fetch(first))}"


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
    shape = only(join)
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
            pairs.append((item.key, object_of(statement, only(item), g)))
        else:  # edges
            made = object_of(statement, only(item), x)
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
        f"ORDER BY b.post_published_at DESC, b.post_id DESC {page_limit(statement, first)}"
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
        f"ORDER BY t.sort_at DESC, t.id DESC {page_limit(statement, first)}"
    )
    return page, f"COALESCE(max({{x}}.total), ({count}))"


def post_page(scope: Scope) -> Compile:
    """A page of posts under the parent, newest first (`graph.read.posts.post_pages`).

    `{ relay(slug: "x") { posts(first: 2, filter: {category: "ledelse"}) { totalCount } } }`:
    the rows are the read layer's (its filter, visibility and cursor conditions) cut at
    `first + 1`; the count is the same conditions without the cursor's."""

    def compile(statement: Statement, join: Join, parent: str | None) -> str:
        arguments = statement.arguments(join)
        first = check_first(arguments["first"], statement.request.settings.max_page_size)
        after = arguments["after"]
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
        elif scope in BYLINE_SCOPES and _counted(only(join)):
            page, count = _page_counted(statement, source, every, sort, key, first, count)
        else:
            cursor_params: list[Any] = []
            if key is not None:
                where.append(f"({sort} < ? OR ({sort} = ? AND p.id < ?))")
                cursor_params = [key[0], key[0], key[1]]
            condition = statement.bind(" AND ".join(where), [*params, *cursor_params])
            page = (
                f"SELECT p.*, {sort} AS sort_at FROM {source} WHERE {condition} "
                f"ORDER BY {sort} DESC, p.id DESC {page_limit(statement, first)}"
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
        first = check_first(arguments["first"], statement.request.settings.max_page_size)
        after = arguments["after"]
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
            f"ORDER BY {spec.sort} {direction}, id {direction} {page_limit(statement, first)}"
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
        first = check_first(arguments["first"], statement.request.settings.max_page_size)
        after = arguments["after"]
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
        if _counted(only(join)):
            every = f"SELECT r.*, count(*) OVER () AS total FROM ({every}) r"
            total, count = "r.total", f"COALESCE(max({{x}}.total), ({count}))"
        page = (
            f"SELECT a.*, r.sort_value, {total} AS total FROM ({every}) r "
            f"JOIN author a ON a.id = r.author_id WHERE {condition} "
            f"ORDER BY r.sort_value, r.author_id {page_limit(statement, first)}"
        )
        own = _relay_posts(parent) if people is People.CONTRIBUTORS else "NULL"
        return connection(
            statement, join, page, "q.sort_value, q.id", cursor, "'Author:' || {x}.id", count,
            own, first, after,
        )  # fmt: skip

    return compile

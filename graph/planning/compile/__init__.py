"""Planned queries as one SQL statement on PostgreSQL, which writes the answer's JSON itself.

The interpreter (graph.planning.run) fetches level by level and writes every object in
Python; on PostgreSQL a plan the compiler covers runs instead as one statement whose single
value is the whole `data` object. Python then only takes the cache tags out of the text and
reads it. Each scalar is spelled in SQL the way Python writes it by `graph.read.json_sql`
(below the API, whose field declarations carry those spellings). The modules:

- `statement`: the statement under construction, and a Shape as `json_build_object`;
- `objects`: lookups, to-one and to-many relations, each a correlated subquery;
- `pages`: connections (a page's rows aggregated into edges, page info, tags and total);
- `relations`: which of those writes each schema field, and what the compiler leaves to
  the interpreter.

`{ relay(slug: $slug) { title posts(first: 2) { totalCount edges { node { slug } } } } }`
becomes this (`graph show-sql` lays it out so; arguments are bound parameters, so a
document's text is the same for every request and PostgreSQL prepares it):

    SELECT json_build_object('relay',
      (SELECT json_build_object('#', 'Relay:' || s1.id || CASE WHEN s1.slug = s1.asked_slug THEN '' ELSE ' relays' END, 'title', s1.title, 'posts',
        (SELECT json_build_object('#', concat_ws(' ', 'posts:relay:' || s1.id, g2.tags), 'totalCount', g2.count, 'edges', g2.edges6)
        FROM
          (SELECT count(*) > %(p3)s AS has_next, false AS has_previous, (array_agg(x3.cursor ORDER BY x3.rn) FILTER (WHERE x3.rn <= %(p3)s))[1] AS start, (array_agg(x3.cursor ORDER BY x3.rn) FILTER (WHERE x3.rn <= %(p3)s))[least(count(*), %(p3)s)] AS "end", string_agg('Post:' || x3.id || ' posts:relay:' || x3.relay_id, ' ' ORDER BY x3.rn) FILTER (WHERE x3.rn <= %(p3)s) AS tags,
            (SELECT count(*)
            FROM post p
            WHERE p.relay_id = s1.id AND p.status = 'published') AS count, COALESCE(json_agg(json_build_object('node', json_build_object('slug', x3.slug)) ORDER BY x3.rn) FILTER (WHERE x3.rn <= %(p3)s), '[]'::json) AS edges6
          FROM
            (SELECT row_number() OVER (ORDER BY q.sort_at DESC, q.id DESC) AS rn, q.*, NULL AS cursor
            FROM
              (SELECT p.*, p.published_at AS sort_at
              FROM post p
              WHERE p.relay_id = s1.id AND p.status = 'published'
              ORDER BY p.published_at DESC, p.id DESC LIMIT %(p2)s) q) x3) g2))
      FROM
        (SELECT t.*, k.asked_slug
        FROM
          (SELECT slug AS asked_slug, id AS target_id, 0 AS slug_rank
          FROM relay
          WHERE slug IN (%(p0)s) UNION ALL SELECT slug AS asked_slug, object_id AS target_id, 1 AS slug_rank
          FROM slug_history
          WHERE kind = 'relay' AND slug IN (%(p1)s)) k JOIN relay t ON t.id = k.target_id
        WHERE 1 = 1
        ORDER BY k.slug_rank LIMIT 1) s1))::text
    -- parameters: {'p0': 'x', 'p1': 'x', 'p2': 3, 'p3': 2}

Read from the inside out: the innermost SELECT is the page's rows, newest first, cut at
`first + 1`; `x3` numbers them; `g2` aggregates them into the edges, the tags, the page info
columns and the count; `s1` is the relay found by its live or old slug.

A server run with `LOG_LEVEL=DEBUG` logs every statement in full, with its parameters.
"""  # noqa: E501 (the example statement is shown as `graph show-sql` prints it)

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from psycopg.rows import tuple_row

from graph import db, reconnect
from graph.planning.compile.relations import CONNECTIONS, PAGE_INFO, RELATIONS, joins
from graph.planning.compile.statement import (
    MAX_KEYS,
    NotCompilable,
    Statement,
    leaves_written,
    object_json,
)
from graph.planning.nodes import Join, Leaf, Plan, Request, Shape

__all__ = ["NotCompilable", "compilable", "run", "statement_of"]

# Tortoise logs each statement so; the suite's statement counter reads this logger.
log = logging.getLogger("tortoise.db_client")
# An object's tags, first in it: `{"#" : "Post:1 posts:relay:3", "slug" : …}`. Inside a JSON
# string a quote is always escaped, so `{"#" : "` can only be an object's start.
TAGS = re.compile(r'\{"#" : "([^"]*)"(?:, )?')


def compilable(shape: Shape) -> bool:
    """Whether the compiler writes every node under this Shape."""
    if len(shape.fields) > MAX_KEYS or not leaves_written(shape):
        return False
    return all(_covers(join) for join in shape.joins)


def _covers(join: Join) -> bool:
    parent, name = join.field
    if parent.endswith("Edge") and name == "node":
        return all(compilable(shape) for shape in join.shapes.values())
    if join.field not in RELATIONS:
        return False
    if join.field in CONNECTIONS:
        return all(_connection_covered(shape) for shape in join.shapes.values())
    return all(compilable(shape) for shape in join.shapes.values())


def _connection_covered(shape: Shape) -> bool:
    """A connection's own keys are its total, page info and edges (each edge its cursor and
    node)."""
    if len(shape.fields) > MAX_KEYS or not leaves_written(shape):
        return False
    for join in shape.joins:
        (child,) = join.shapes.values()
        if join.field[1] == "pageInfo":
            leaves = all(
                isinstance(item, Leaf) and item.field in PAGE_INFO | {"__typename"}
                for item in child.fields
            )
            if not leaves:
                return False
        elif join.field[1] != "edges" or not compilable(child):
            return False
    return True


def statement_of(plan: Plan, request: Request) -> Statement:
    """The plan's statement for this request (its arguments bound as parameters)."""
    statement = Statement(request, joins)
    statement.sql = f"SELECT {object_json(statement, plan.root, None)}::text"
    return statement


async def run(plan: Plan, request: Request) -> dict[str, Any]:
    """The `data` of the response, from one statement; its tags added to the request's."""
    statement = statement_of(plan, request)
    text = await _fetch_text(statement.sql, statement.params)
    request.tags.update(statement.tags)
    # One pass: split on the tag keys, the captured tags between the pieces of the JSON.
    pieces = TAGS.split(text)
    for found in pieces[1::2]:
        request.tags.update(found.split())
    data: dict[str, Any] = orjson.loads("{".join(pieces[::2]))
    for key, tag in statement.if_null:
        if data.get(key) is None:
            request.tags.add(tag)
    request.compiled = True
    return data


async def _fetch_text(sql: str, params: dict[str, Any]) -> str:
    """The statement's one value, straight through psycopg on the pool's (or the
    transaction's) connection; once more on a fresh connection if the pooled one had died."""

    async def once() -> str:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s: %s", sql, params)
        async with db.connection().acquire_connection() as connection:
            cursor = connection.cursor(row_factory=tuple_row)
            await cursor.execute(sql, params)
            row = await cursor.fetchone()
        assert row is not None
        return str(row[0])

    return await reconnect.once_more(once, "read")

"""The interpreter: run a Plan level by level and write the response's dicts directly.

For one Shape and the rows of one level it makes every object (Leaf values filled in, Join
keys held in place with None so the key order is the selection's), then runs each Join once
for all of those rows and shapes the children the same way, one level further down.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph import db
from graph.planning import compile
from graph.planning.nodes import Join, Plan, Request, Row, Shape
from graph.request.errors import ClientError


class MissingRow(Exception):
    """A non-null relation found no row (a broken foreign key): let standard execution say so."""


async def run(plan: Plan, request: Request) -> dict[str, Any]:
    """The `data` of the response: on PostgreSQL from one compiled statement when the compiler
    covers the plan, else the root Shape made from one empty row, level by level."""
    if plan.compiled and db.dialect() == "postgres":
        try:
            return await compile.run(plan, request)
        except ClientError:
            # The statement checks every argument it binds (a page size, a cursor) up front,
            # but a wrong one is an error only where its field runs: not under a parent that
            # is null. The interpreter runs a level only for rows that exist, as graphql-core.
            pass
    (data,) = await shape_rows(plan.root, [{}], request)
    return data


async def shape_rows(shape: Shape, rows: Sequence[Row], request: Request) -> list[dict[str, Any]]:
    """One JSON object per row, in order, with every level below filled in."""
    layout, tags = shape.layout, shape.tags
    if tags is not None:
        for row in rows:
            request.tags.update(tags(row))
    objects = [{key: None if read is None else read(row) for key, read in layout} for row in rows]
    if rows:
        for join in shape.joins:
            await fill(join, rows, objects, request)
    return objects


async def fill(
    join: Join, rows: Sequence[Row], objects: list[dict[str, Any]], request: Request
) -> None:
    """Fetch one Join for every parent row at once and put each parent's share in place."""
    children = await join.source(rows, join.arguments(request), request)
    if join.values:
        for target, each in zip(objects, children, strict=True):
            target[join.key] = list(each)
        return
    if join.many:
        made = iter(await shape_children(join, [row for each in children for row in each], request))
        for target, each in zip(objects, children, strict=True):
            target[join.key] = [next(made) for _ in each]
        return
    present = [child for child in children if child is not None]
    if join.required and len(present) < len(children):
        raise MissingRow(join.key)
    made = iter(await shape_children(join, present, request))
    for target, child in zip(objects, children, strict=True):
        target[join.key] = None if child is None else next(made)


async def shape_children(join: Join, rows: list[Row], request: Request) -> list[dict[str, Any]]:
    """Shape a Join's child rows; for `node(id:)` each with the Shape of its own type."""
    if len(join.shapes) == 1:
        (shape,) = join.shapes.values()
        return await shape_rows(shape, rows, request)
    made: list[dict[str, Any]] = []
    for row in rows:
        made += await shape_rows(join.shapes[row["__type"]], [row], request)
    return made

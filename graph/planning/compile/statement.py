"""One statement under construction, and how a Shape becomes a `json_build_object`.

A Shape is written as `json_build_object('key', value, …)` over the alias of the row it is
made from, its keys in selection order. A Leaf's value is its catalog SQL; a Join's is a
subquery (graph.planning.compile.relations) correlated with that alias. An object that tags
the answer (a Relay, a Post …) carries its tags under the key `#`, first; `run` takes them
out of the text before the JSON is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.planning.nodes import Join, Leaf, Request, Shape

# PostgreSQL functions take at most 100 arguments: 50 keys per json_build_object, one of
# them the tags.
MAX_KEYS = 49


class NotCompilable(Exception):
    """This request's plan holds something the compiler does not write (too many keys)."""


def entity_tags(type_name: str, alias: str) -> str | None:
    """SQL for the tags an object of this type adds (as `tags.of_row`), or None."""
    if type_name == "Post":
        return f"'Post:' || {alias}.id || ' posts:relay:' || {alias}.relay_id"
    if type_name in ("Relay", "Author", "Organization", "Category"):
        return f"'{type_name}:' || {alias}.id"
    return None


@dataclass
class Statement:
    """The SQL of one request's plan as it is written: named parameters and fresh aliases."""

    request: Request
    # Which compiler writes each Join (relations.joins): objects and pages call back into it.
    joins: Callable[[Join], Compile]
    params: dict[str, Any] = field(default_factory=dict)
    # Root keys whose null adds a tag (a lookup that found nothing depends on its kind's list).
    if_null: list[tuple[str, str]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)  # tags the answer has whatever its rows
    aliases: int = 0
    sql: str = ""  # the whole statement, once written

    def alias(self, prefix: str) -> str:
        self.aliases += 1
        return f"{prefix}{self.aliases}"

    def param(self, value: Any) -> str:
        """A placeholder for `value`. PostgreSQL text cannot hold NUL (binding one is an error)
        and stored text never does, so a NUL is bound as U+FFFD and matches nothing, as in
        the read layer (graph.read.sql)."""
        name = f"p{len(self.params)}"
        self.params[name] = value.replace("\x00", "\ufffd") if isinstance(value, str) else value
        return f"%({name})s"

    def bind(self, sql: str, values: Sequence[Any]) -> str:
        """SQL written with `?` placeholders (the read layer's), bound to `values` in order."""
        parts = sql.split("?")
        if len(parts) != len(values) + 1:
            raise ValueError(f"{len(values)} values for {len(parts) - 1} placeholders")
        bound = [parts[0]]
        for value, part in zip(values, parts[1:], strict=True):
            bound += [self.param(value), part]
        return "".join(bound)

    def arguments(self, join: Join) -> dict[str, Any]:
        return dict(join.arguments(self.request))


# A Join's value as SQL, given the statement and the alias of the parent row (None at the root).
Compile = Callable[[Statement, Join, str | None], str]


def json_object(pairs: Sequence[tuple[str, str]]) -> str:
    if len(pairs) > MAX_KEYS + 1:
        raise NotCompilable(f"{len(pairs)} keys in one object")
    return "json_build_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"


def object_json(
    statement: Statement, shape: Shape, alias: str | None, extra_tags: str | None = None
) -> str:
    """The Shape's JSON object made from the row `alias`; each Join's value is written by
    the compiler `statement.joins` gives it (graph.planning.compile.relations.joins)."""
    pairs: list[tuple[str, str]] = []
    tags = entity_tags(shape.type_name, alias) if shape.tags is not None and alias else None
    if tags is not None:
        pairs.append(("#", tags if extra_tags is None else f"{tags} || {extra_tags}"))
    for item in shape.fields:
        if isinstance(item, Leaf):
            assert item.sql is not None, item.key  # `compilable` checked every Leaf
            pairs.append((item.key, item.sql(alias or "")))
        else:
            pairs.append((item.key, statement.joins(item)(statement, item, alias)))
    return json_object(pairs)


def leaves_written(shape: Shape) -> bool:
    """Whether the compiler writes every Leaf of the Shape."""
    return all(item.sql is not None for item in shape.fields if isinstance(item, Leaf))

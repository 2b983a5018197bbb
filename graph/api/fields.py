"""A read field declared once, on its Strawberry type, for all three ways a query runs.

`planned(value, description)` is the field: its `Value` says how each executor gets it from
the row the object is made of. The standard path's `from_row` builds the object with `load`;
the planner (graph.planning.catalog) reads the same metadata off the schema and writes JSON
with `read` (the interpreter) or `sql` (the compiler). A new column becomes a field by one
line on its type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter
from typing import Any, Self

import strawberry

from graph.cache import tags
from graph.global_ids import to_global_id
from graph.read import json_sql, sql

Row = Mapping[str, Any]
Reader = Callable[[Row], Any]
# The SQL expression of the same value, given the alias of the row it reads from; None for
# values the SQL compiler makes itself (a page's counts and cursors) or cannot make.
Written = Callable[[str], str] | None
# The key of a field's plan in its Strawberry metadata.
PLAN = "graph.plan"
# The key of a private field's (or a nested list's) loader: what `from_row` alone needs.
LOAD = "graph.load"
# The types whose objects add their own cache tag (see graph.cache.tags.of_row).
ENTITIES = ("Relay", "Post", "Author", "Organization", "Category")


@dataclass(frozen=True, slots=True)
class Value:
    """One scalar field, defined once for every executor: `load` gives the Python value the
    Strawberry object holds, `read` the JSON value the interpreter writes, `sql` the same
    JSON value inside PostgreSQL (the compiler)."""

    load: Reader
    read: Reader
    sql: Written = None


# A value that depends on the type it is read for (an interface's `id`).
PerType = Callable[[str], Value]


def planned(value: Value | PerType, description: str) -> Any:
    """A read field: its description, and how each executor gets it from a row."""
    return strawberry.field(description=description, metadata={PLAN: value})


def loaded(load: Reader) -> Any:
    """A private field (or an unplanned one) that `from_row` fills from the row."""
    return dataclasses.field(metadata={LOAD: load})


def value_of(declared: Value | PerType, type_name: str) -> Value:
    """A declared plan as it reads for one type."""
    return declared if isinstance(declared, Value) else declared(type_name)


def column(name: str) -> Value:
    """The column as it is (text, numbers, null)."""
    get = itemgetter(name)
    return Value(get, get, lambda alias: json_sql.column(alias, name))


def global_id(type_name: str) -> Value:
    """The object's global id."""

    def read(row: Row) -> str:
        return to_global_id(type_name, row["id"])

    return Value(read, read, lambda alias: json_sql.global_id(type_name, alias))


def moment(name: str) -> Value:
    """A timestamp column in Copenhagen time, ISO 8601 (as Strawberry's DateTime writes it)."""

    def load(row: Row) -> Any:
        return sql.in_copenhagen(row[name])

    def read(row: Row) -> str | None:
        value = load(row)
        return None if value is None else value.isoformat()

    return Value(load, read, lambda alias: json_sql.moment(f"{alias}.{name}"))


def day(name: str) -> Value:
    """A date column, ISO 8601."""

    def load(row: Row) -> Any:
        return sql.to_date(row[name])

    def read(row: Row) -> str | None:
        value = load(row)
        return None if value is None else value.isoformat()

    return Value(load, read, lambda alias: json_sql.day(f"{alias}.{name}"))


def enum_name(enum: type[Enum], name: str) -> Value:
    """A stored enum value as the schema names it (`published` → `PUBLISHED`)."""
    names = {member.value: member.name for member in enum}
    return Value(
        lambda row: enum(row[name]),
        lambda row: names[row[name]],
        lambda alias: json_sql.enum_name(f"{alias}.{name}", names),
    )


def flag(name: str) -> Value:
    """A boolean column (SQLite stores 0 and 1)."""

    def load(row: Row) -> bool:
        return bool(row[name])

    return Value(load, load, lambda alias: json_sql.column(alias, name))


def ceil_divided(name: str, divisor: int) -> Value:
    """A whole-number column divided by `divisor`, rounded up (0 stays 0); integer math in
    Python and in SQL alike, so both write the same number."""

    def load(row: Row) -> int:
        return -(-int(row[name]) // divisor)

    return Value(load, load, lambda alias: f"(({alias}.{name} + {divisor - 1}) / {divisor})")


def constant(value: Any) -> Value:
    """The same value for every row (`__typename`, a field hidden from this caller)."""
    return Value(lambda row: value, lambda row: value, lambda alias: json_sql.literal(value))


def derived(read: Reader) -> Value:
    """A value the interpreter reads from a row it derives (a page's, a search hit's)."""
    return Value(read, read)


_LOADERS: dict[type, tuple[tuple[str, Reader], ...]] = {}


def _loaders(cls: type) -> tuple[tuple[str, Reader], ...]:
    known = _LOADERS.get(cls)
    if known is not None:
        return known
    type_name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
    found = []
    for field in dataclasses.fields(cls):
        if PLAN in field.metadata:
            found.append((field.name, value_of(field.metadata[PLAN], type_name).load))
        elif LOAD in field.metadata:
            found.append((field.name, field.metadata[LOAD]))
    _LOADERS[cls] = tuple(found)
    return _LOADERS[cls]


class FromRow:
    """A Strawberry type built from one row by its fields' declarations."""

    @classmethod
    def from_row(cls, row: Row) -> Self:
        """The object for one row; an entity's adds its cache tags."""
        type_name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
        if type_name in ENTITIES:
            tags.add(*tags.of_row(type_name, row))
        return cls(**{name: load(row) for name, load in _loaders(cls)})

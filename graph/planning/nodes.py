"""The plan's node types: what a query becomes before it runs.

A plan is a tree with three kinds of node. Each object in the response is made from one *row*
(a dict from the read layer, or one the plan derives, such as a page of a connection), and a
`Shape` says which keys its JSON object gets, in order:

    { relay(slug: "x") { title posts(first: 2) { totalCount edges { node { slug } } } } }

    Shape(Query)
      Join relay ← relay_by_slug                 one row per parent, fetched in one batch
        Shape(Relay)
          Leaf title ← row["title"]
          Join posts ← post_pages                one page row per parent, fetched in one batch
            Shape(PostConnection)
              Leaf totalCount ← row["count"]
              Join edges ← the page row's items  derived: no statement
                Shape(PostEdge)
                  Join node ← the edge row's post
                    Shape(Post)
                      Leaf slug ← row["slug"]

Running it (graph.planning.run) is one pass per level: every Join fetches for all of its
parents at once, then the children are shaped and put in their parents' objects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.read.access import Access
from graph.read.posts import EVERY_COLUMN, PostSelect
from graph.settings import Settings

Row = Mapping[str, Any]


@dataclass(slots=True)
class Request:
    """One run of a plan: who reads, the operation's variables, and what it collects."""

    access: Access
    variables: Any  # graphql-core's VariableValues, for arguments written with variables
    settings: Settings  # the app's: page and search limits
    # The cache tags the response is made from (merged into the request's on success).
    tags: set[str] = field(default_factory=set)
    # Rows fetched by id so far, per kind, so two Joins needing one row fetch it once.
    memo: dict[str, dict[Any, Any]] = field(default_factory=dict)
    posts: PostSelect = EVERY_COLUMN  # what every post fetch of the plan reads and joins
    compiled: bool = False  # answered by one compiled statement (graph.planning.compile)


Parents = Sequence[Row]
Values = Mapping[str, Any]  # a field's coerced arguments, by GraphQL name
# A Join's source, given the parents' rows and the field's arguments: for each parent, its
# child row (or None), or its list of child rows.
Source = Callable[[Parents, Values, Request], Awaitable[list[Any]]]
Arguments = Callable[[Request], Values]


@dataclass(frozen=True, slots=True)
class Leaf:
    """A key whose value is read from the object's own row.

    `{ post(slug: "x") { title publishedAt } }`: `title` reads `row["title"]`, `publishedAt`
    reads `row["published_at"]` and writes it in Copenhagen time; `__typename` is a Leaf too,
    with a constant.
    """

    key: str
    read: Callable[[Row], Any]
    field: str = ""  # the schema field's name (`__typename` too)
    # The same value as SQL, given the row's alias, for the compiler (graph.planning.compile);
    # None where the compiler writes it itself (a page's counts and cursors).
    sql: Callable[[str], str] | None = None


@dataclass(frozen=True, slots=True)
class Join:
    """A key whose value is another object (or a list of them) from a batched source.

    `{ post(slug: "x") { bylines { role } } }`: `bylines` is a Join whose source fetches the
    bylines of every parent post in one statement and hands each post its list. `many` says
    whether each parent gets a list or one object (or null). `shapes` is one Shape, or for
    `node(id:)` one per object type the row may turn out to be (the row's `__type` says).

    A to-one Join often costs no statement: `{ post(slug: "x") { relay { title } } }` fetches
    the post with its relay joined in (`row["relay"]`), and the `relay` Join just reads it;
    it fetches by id only when the parent's fetch could not join (see `sources.joined`).

    With `values`, each parent's list holds plain values, not rows, and is put in as it is
    (`shapes` is empty): `{ relay(slug: "x") { previousSlugs } }` fetches every parent
    relay's old slugs in one statement.
    """

    key: str
    source: Source
    arguments: Arguments
    many: bool
    required: bool  # non-null in the schema: a missing row is an error, not a null
    shapes: Mapping[str, Shape]
    values: bool = False
    # The schema field, `(parent type, field name)`: what the compiler looks up.
    field: tuple[str, str] = ("", "")


@dataclass(frozen=True, slots=True)
class Shape:
    """How one object type's rows become JSON objects: the keys, in selection order.

    `tags` gives the cache tags an object made from a row adds (`Post:12` …), exactly as the
    standard path's types add them.
    """

    type_name: str
    fields: tuple[Leaf | Join, ...]
    tags: Callable[[Row], tuple[str, ...]] | None = None  # None: this type adds none
    # Worked out once from `fields`, for the interpreter's inner loop: each key with its
    # reader (None for a Join, filled in later), and the Joins in selection order.
    layout: tuple[tuple[str, Callable[[Row], Any] | None], ...] = field(init=False)
    joins: tuple[Join, ...] = field(init=False)

    def __post_init__(self) -> None:
        layout = tuple(
            (item.key, item.read if isinstance(item, Leaf) else None) for item in self.fields
        )
        object.__setattr__(self, "layout", layout)
        joins = tuple(item for item in self.fields if isinstance(item, Join))
        object.__setattr__(self, "joins", joins)


@dataclass(frozen=True, slots=True)
class Plan:
    """A whole query operation: the Shape of its root type, run against one empty row."""

    root: Shape
    posts: PostSelect  # what its post fetches read: long texts and joined rows only if shown
    # Whether the SQL compiler covers every node (then PostgreSQL runs it as one statement).
    compiled: bool = False


class NotPlannable(Exception):
    """The operation uses something the planner does not cover: run it the standard way."""

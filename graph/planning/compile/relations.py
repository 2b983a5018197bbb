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

from typing import assert_never

from graph.planning import relations as declared
from graph.planning.compile.objects import (
    by_slug,
    categories,
    listed,
    neighbour,
    previous_slugs,
    same_row,
    to_one,
)
from graph.planning.compile.pages import authors, list_page, post_page
from graph.planning.compile.statement import Compile
from graph.planning.nodes import Join

PAGE_INFO = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"})


def joins(join: Join) -> Compile:
    """The compiler of one Join (`covers` has checked it has one)."""
    parent, name = join.field
    if parent.endswith("Edge") and name == "node":
        return same_row
    return RELATIONS[join.field]


def compiled(kind: declared.Kind) -> Compile:
    """The compiler's subquery for a declared relation."""
    match kind:
        case declared.ToOne(table, column, _):
            return to_one(table, column)
        case declared.Listed(table, column, order, _):
            return listed(table, column, order)
        case declared.PostPage(scope):
            return post_page(scope)
        case declared.AuthorPage(people):
            return authors(people)
        case declared.ListPage(spec):
            return list_page(spec)
        case declared.BySlug(type_name):
            return by_slug(type_name)
        case declared.Neighbour(column):
            return neighbour(column)
        case declared.Categories():
            return categories
    assert_never(kind)


RELATIONS: dict[tuple[str, str], Compile] = {
    **{field: compiled(kind) for field, kind in declared.RELATIONS.items()},
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
CONNECTIONS = declared.CONNECTIONS

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
from graph.read import lists
from graph.read.lookups import People
from graph.read.posts import Scope

PAGE_INFO = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"})


def joins(join: Join) -> Compile:
    """The compiler of one Join (`covers` has checked it has one)."""
    parent, name = join.field
    if parent.endswith("Edge") and name == "node":
        return same_row
    return RELATIONS[join.field]


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

"""Values for an argument, chosen by what it means where it is used.

A `slug` on `relay` wants relay slugs, an `after` on `search` wants search cursors, `first`
wants page sizes. Each site has ordinary values (what a frontend sends) and hostile ones
(unknown slugs, foreign cursors, sizes out of range): an error sends the whole operation to
standard execution, so hostile values are kept to a minority. The suite-query corpus and the
generated queries both ask here; input objects are built field by field by the caller.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)
from planning_dataset import Dataset

from graph.paging.ids import to_global_id

UNKNOWN_SLUG = "ingen-saadan-side"
# Cursors no list handed out: not base64, empty, JSON of the wrong shape, an id out of range.
GARBAGE_CURSORS = (
    "not-a-cursor!",
    "",
    base64.urlsafe_b64encode(b'{"a":1}').decode().rstrip("="),
    base64.urlsafe_b64encode(b'["2015-01-01T00:00:00+01:00",99999999999]').decode().rstrip("="),
)
# Ids that find nothing: an unknown row, a type `node` does not serve, not base64 at all.
ODD_IDS = (to_global_id("Post", 999_999), to_global_id("Category", 1), "not an id!")
SEARCH_WORDS = (
    "tillidsreformen",
    "barn",
    "børnesager",
    "ledelse kommune",
    "zzzqqq",
    '"giver mening"',
    "ledelse -kommune",
    "tillidsreformen or børnesager",
    "tillidsr*",
    "og i at",
    "Københavns æøå",
    'tillid & | ! <-> :* "',
)
EMPTY_SEARCH = " "
# Filter times on both sides of the demo relay's posts (2013-2015) and the module's own.
FILTER_TIMES = ("2015-03-01T00:00:00", "2015-06-01T12:00:00+02:00", "2030-01-01T00:00:00")
PAGE_SIZES = (3, 1, 0, 2, 5)
OUT_OF_RANGE_PAGE_SIZES = (101, -1)
STATUS_LISTS = (
    ["DRAFT"],
    ["ARCHIVED"],
    ["PUBLISHED", "DRAFT"],
    ["SCHEDULED", "ARCHIVED", "DRAFT", "PUBLISHED"],
    [],
)
# Arguments and input fields naming an object by slug, and the object's type.
SLUG_FIELDS = {
    "relay": "Relay",
    "post": "Post",
    "author": "Author",
    "organization": "Organization",
    "category": "Category",
}
# Which sampled list a field's `after` cursor comes from (every post list shares a format).
# An organisation's `authors` pages in the order of the root's, so those cursors fit it too.
CURSOR_KIND = {
    "relays": "relays",
    "authors": "authors",
    "organizations": "organizations",
    "contributors": "contributors",
}


@dataclass(frozen=True)
class Site:
    """Where a value goes: the field, the type it returns, and the argument (or input) name."""

    field: str
    returns: str
    name: str


@dataclass(frozen=True)
class Choices:
    """Values for one site: those a frontend sends, and those that find nothing or fail."""

    ordinary: list[Any]
    hostile: list[Any]

    def pick(self, index: int) -> Any:
        """The index-th ordinary value (wrapping); a negative index counts hostile ones."""
        if index < 0 and self.hostile:
            return self.hostile[index]
        return self.ordinary[index % len(self.ordinary)]


def candidates(dataset: Dataset, site: Site, input_type: GraphQLInputType) -> Choices:
    """Values worth sending at `site`; never without an ordinary one."""
    choices = _by_meaning(dataset, site) or _by_type(dataset, input_type)
    if not choices.ordinary:
        # Nothing of the kind exists (no cursor sampled, say): the hostile ones must do.
        return Choices(choices.hostile, [])
    return choices


def _by_meaning(dataset: Dataset, site: Site) -> Choices | None:
    if site.name == "slug":
        return Choices(dataset.slugs.get(site.returns, []), [UNKNOWN_SLUG])
    if site.name in SLUG_FIELDS:
        return Choices(dataset.slugs.get(SLUG_FIELDS[site.name], []), [UNKNOWN_SLUG])
    if site.name == "id":
        return Choices(dataset.ids, list(ODD_IDS))
    if site.name in ("first", "postsFirst"):
        return Choices(list(PAGE_SIZES), list(OUT_OF_RANGE_PAGE_SIZES))
    if site.name == "after":
        kind = "search" if site.field == "search" else CURSOR_KIND.get(site.field, "posts")
        return Choices(dataset.cursors.get(kind, []), list(GARBAGE_CURSORS))
    if site.name == "query":
        return Choices(list(SEARCH_WORDS), [EMPTY_SEARCH])
    if site.name in ("publishedAfter", "publishedBefore"):
        return Choices(list(FILTER_TIMES), [])
    return None


def _by_type(dataset: Dataset, input_type: GraphQLInputType) -> Choices:
    nullable = input_type.of_type if isinstance(input_type, GraphQLNonNull) else input_type
    if isinstance(nullable, GraphQLList):
        if get_named_type(nullable).name == "PostStatus":
            return Choices([list(statuses) for statuses in STATUS_LISTS], [])
        items = _by_type(dataset, nullable.of_type)
        return Choices([[item] for item in items.ordinary], [[item] for item in items.hostile])
    if isinstance(nullable, GraphQLEnumType):
        return Choices(list(nullable.values), [])
    assert isinstance(nullable, GraphQLScalarType), f"build {nullable} field by field"
    ordinary = {
        "Boolean": [True, False],
        "Int": [1, 0, 3],
        "ID": dataset.ids,
        "DateTime": list(FILTER_TIMES),
        "Date": ["2015-04-24", "2020-06-01"],
    }.get(nullable.name, ["ledelse", ""])
    return Choices(ordinary, list(ODD_IDS) if nullable.name == "ID" else [])

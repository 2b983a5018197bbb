"""Cursors: each list's sort key as an opaque string, and the key back out of one.

Both executors and the compiler write and read cursors through these, so a cursor from one
works in the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graph.paging.pagination import (
    decode_keyed_cursor,
    encode_cursor,
    parse_text,
    parse_whole_number,
)
from graph.read import sql
from graph.read.lookups import AuthorKey, People


def post_cursor(row: Mapping[str, Any]) -> str:
    """A post's cursor: its place in the newest-first order."""
    published = sql.to_datetime(row["sort_at"])
    return encode_cursor([published.isoformat() if published else None, row["id"]])


# How each author list's cursor holds its sort value: a first leg, or a name's sort key.
AUTHOR_SORT_VALUES: dict[People, Callable[[Any], Any]] = {
    People.CONTRIBUTORS: parse_whole_number,
    People.MEMBERS: parse_text,
}


def author_key(people: People, after: str | None) -> AuthorKey | None:
    """The key inside an author page's `after` cursor; a ClientError for a foreign one."""
    return decode_keyed_cursor(after, AUTHOR_SORT_VALUES[people])


def author_cursor(row: Mapping[str, Any]) -> str:
    """An author's cursor in a relay's or organisation's list: its sort value and id."""
    return encode_cursor([row["sort_value"], row["id"]])


def list_cursor(row: Mapping[str, Any]) -> str:
    """A relay's, author's or organisation's cursor: its place in its list's order."""
    return encode_cursor([str(row["sort_value"]), row["id"]])

"""Paging arguments: opaque keyset cursors and page-size checks (the types: api.connections)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from graph.editing.checks import in_range
from graph.request.errors import ClientError

# A refused cursor is quoted this far in its error (and the log): ours are shorter.
SHOWN_CURSOR_CHARS = 300


def shown(cursor: str) -> str:
    """A client's cursor as an error quotes it: cut, so a huge one is not echoed back."""
    if len(cursor) <= SHOWN_CURSOR_CHARS:
        return repr(cursor)
    return repr(cursor[:SHOWN_CURSOR_CHARS]) + f"… ({len(cursor)} characters)"


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor holding a row's sort key."""
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """The sort key inside a cursor; a ClientError for anything we did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError) as error:
        raise ClientError(f"Invalid cursor {shown(cursor)}.") from error
    if not isinstance(values, list) or len(values) != length:
        raise ClientError(f"Invalid cursor {shown(cursor)}.")
    return values


# Ids are 32-bit integer columns; anything outside would overflow the driver or SQLite.
MAX_ID = 2**31 - 1


def cursor_integer(cursor: str, value: Any, maximum: int = MAX_ID) -> int:
    """A whole number from a cursor, 0..maximum; JSON true, 1e999 and 10**26 are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ClientError(f"Invalid cursor {shown(cursor)}.")
    return value


def decode_keyed_cursor(cursor: str | None, parse: Callable[[Any], Any]) -> tuple[Any, int] | None:
    """A `(sort value, id)` cursor, the sort value parsed by `parse`."""
    if cursor is None:
        return None
    value, row_id = decode_cursor(cursor, 2)
    # Every sort value we hand out is text or a whole number (a leg); null, true, a float or
    # a list is not ours, and `parse` checks the rest.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ClientError(f"Invalid cursor {shown(cursor)}.")
    try:
        sort_value = parse(value)
    except (TypeError, ValueError) as error:
        raise ClientError(f"Invalid cursor {shown(cursor)}.") from error
    return sort_value, cursor_integer(cursor, row_id)


def parse_timestamp(value: Any) -> dt.datetime:
    """A cursor's ISO timestamp (a ValueError for one that is not, or out of range)."""
    moment = dt.datetime.fromisoformat(str(value))
    if not in_range(moment):
        raise ValueError(f"{value!r} is out of range")
    return moment


def parse_text(value: Any) -> str:
    """A cursor's text sort value (a Danish sort key)."""
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return value


def parse_whole_number(value: Any) -> int:
    """A cursor's whole-number sort value (a leg), 0..MAX_ID."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ValueError(f"not a whole number up to {MAX_ID}: {value!r}")
    return value


def check_first(first: int, limit: int) -> int:
    """Refuse page sizes outside 0..`limit` (the app's MAX_PAGE_SIZE) instead of silently
    truncating."""
    if not 0 <= first <= limit:
        raise ClientError(f"`first` must be between 0 and {limit}; got {first}.")
    return first

"""Global object ids: `base64("Type:pk")`, as Relay's object identification expects."""

from __future__ import annotations

import base64
import binascii

from graph.global_ids import to_global_id
from graph.paging.pagination import MAX_ID
from graph.request.errors import ClientError

__all__ = ["from_global_id", "to_global_id"]


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) from a global id; a ClientError if it is not one of ours."""
    try:
        type_name, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
        number = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ClientError(f"Invalid id {global_id!r}.") from error
    # No row has a key past the id column's range; SQLite would overflow on a longer one.
    if not 0 < number <= MAX_ID:
        raise ClientError(f"Invalid id {global_id!r}.")
    return type_name, number

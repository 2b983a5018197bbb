"""Global object ids: `base64("Type:pk")`, as Relay's object identification expects."""

from __future__ import annotations

import base64
import binascii

from graph.api.errors import ClientError


def to_global_id(type_name: str, pk: int) -> str:
    """The opaque global id of one object."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) from a global id; a ClientError if it is not one of ours."""
    try:
        type_name, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
        return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ClientError(f"Invalid id {global_id!r}.") from error

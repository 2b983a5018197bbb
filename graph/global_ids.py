"""Global object ids, `base64("Type:pk")`: the API's ids, also used in webhook payloads."""

from __future__ import annotations

import base64


def to_global_id(type_name: str, pk: int) -> str:
    """The opaque global id of one object."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()

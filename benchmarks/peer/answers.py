"""The peer's answer held against ours for the same request, before any load.

Both must show the same posts in the same order with the same fields, or the two servers
would not be doing the same work and their figures could not be compared. What the peer
writes differently but means alike is read alike: a time in another zone is the same instant,
`ended` is the enum `ENDED`, a list arrives wrapped as `{ nodes }`. Ids and cursors are each
server's own encoding and are not compared; fields the peer cannot express are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import httpx
import orjson

from benchmarks.operations import Operation, Response, with_cursors
from benchmarks.peer.documents import PEER_DOCUMENTS, PeerDocument

# Each server's own encoding of the same thing.
OPAQUE = frozenset({"id", "cursor", "endCursor"})
# Our enums; PostGraphile gives the stored lower-case text.
ENUMS = frozenset({"status", "kind"})
JSON = {"content-type": "application/json"}
TIMEOUT_S = 30.0


class PeerFailed(Exception):
    """PostGraphile answered an operation with an error."""


class PeerDiffers(Exception):
    """PostGraphile's answer is not ours on the fields both ask: its figures would mean nothing."""


async def prepare(base_url: str, operation: Operation, ours: bytes) -> Operation:
    """The peer's request for `operation` (with its own cursor), once its answer equals ours."""
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT_S) as client:

        async def ask(sent: Operation) -> Response:
            response = await client.post("/graphql", content=sent.payload(), headers=JSON)
            decoded: Response = orjson.loads(response.content) if response.content else {}
            if response.status_code != 200 or "errors" in decoded:
                raise PeerFailed(f"{sent.label}: HTTP {response.status_code} {decoded}")
            return decoded

        # The category page's cursor is ours: the peer pages to the same place with its own.
        (paged,) = await with_cursors([replace(operation, variables=_uncursored(operation))], ask)
        check(PEER_DOCUMENTS[operation.name], operation.label, orjson.loads(ours), await ask(paged))
    return paged


def _uncursored(operation: Operation) -> dict[str, Any]:
    return {key: value for key, value in operation.variables.items() if key != "after"}


def check(document: PeerDocument, label: str, ours: Response, theirs: Response) -> None:
    """PeerDiffers, naming the first place, unless the answers agree on what both ask."""
    found = difference(document, ours.get("data"), theirs.get("data"), "")
    if found is not None:
        raise PeerDiffers(f"{label}: {found}")


def difference(
    document: PeerDocument, ours: Any, theirs: Any, path: str, shown: str = ""
) -> str | None:
    """Where the peer's answer first departs from ours below `path` (keys joined by dots, as
    the document's rules name places; `shown` is the same place with list indexes), or None."""
    theirs = _unwrapped(document, ours, theirs, path)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key, value in ours.items():
            inner = f"{path}.{key}" if path else key
            if key in OPAQUE or inner in document.omitted:
                continue
            at = f"{shown}.{key}" if shown else key
            if key not in theirs:
                return f"{at}: ours {_short(value)}, PostGraphile has no such field"
            found = difference(document, value, theirs[key], inner, at)
            if found is not None:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{shown}: ours has {len(ours)} items, PostGraphile {len(theirs)}"
        for index, (one, other) in enumerate(zip(ours, theirs, strict=True)):
            found = difference(document, one, other, path, f"{shown}[{index}]")
            if found is not None:
                return found
        return None
    if _same_scalar(path.rsplit(".", 1)[-1], ours, theirs):
        return None
    return f"{shown or '.'}: ours {_short(ours)}, PostGraphile {_short(theirs)}"


def _unwrapped(document: PeerDocument, ours: Any, theirs: Any, path: str) -> Any:
    """The peer's value where ours has the same thing without PostGraphile's wrapping."""
    if path in document.through and isinstance(theirs, dict):
        theirs = theirs.get(document.through[path])
    if isinstance(ours, list) and isinstance(theirs, dict) and set(theirs) == {"nodes"}:
        theirs = theirs["nodes"]
    return theirs


def _same_scalar(key: str, ours: Any, theirs: Any) -> bool:
    if ours == theirs:
        return True
    if not (isinstance(ours, str) and isinstance(theirs, str)):
        return False
    if key in ENUMS:
        return ours == theirs.upper()
    return _instant(ours) is not None and _instant(ours) == _instant(theirs)


def _instant(value: str) -> dt.datetime | None:
    """A time with its zone as a comparable instant; None for anything else."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _short(value: Any) -> str:
    return repr(orjson.dumps(value).decode()[:200])

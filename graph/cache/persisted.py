"""Persisted queries (Apollo's automatic persisted queries): a query by its SHA-256.

A client sends only the hash; if the server does not know it, the client sends the hash and
the text once, and the hash alone from then on. Known hashes are the named operations under
`schema/operations/` (as written, and as printed by graphql-core, which is what Apollo
clients send) plus any registered by clients. With `APQ_ONLY_KNOWN`, anonymous callers may
run only the named operations: no other text, and no registration.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

from graphql import parse, print_ast

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "schema" / "operations"


def sha256_hex(text: str) -> str:
    """The hash a client sends for a query text."""
    return hashlib.sha256(text.encode()).hexdigest()


def named_operations(folders: list[Path]) -> dict[str, str]:
    """hash → text for every `.graphql` file in `folders`, as written and as printed."""
    known: dict[str, str] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.graphql")):
            text = path.read_text(encoding="utf-8")
            printed = print_ast(parse(text))
            known[sha256_hex(text)] = text
            known[sha256_hex(printed)] = printed
    return known


class PersistedQueries:
    """The known hashes, and an LRU of hashes clients registered."""

    def __init__(self, known: dict[str, str], max_registered: int = 10_000) -> None:
        self.known = known
        self.max_registered = max_registered
        self._registered: OrderedDict[str, str] = OrderedDict()

    def lookup(self, digest: str) -> str | None:
        """The text for a hash, if this process knows it."""
        text = self.known.get(digest)
        if text is None:
            text = self._registered.get(digest)
            if text is not None:
                self._registered.move_to_end(digest)
        return text

    def register(self, digest: str, text: str) -> None:
        """Remember a client's text under its (checked) hash."""
        if digest in self.known:
            return
        self._registered[digest] = text
        self._registered.move_to_end(digest)
        while len(self._registered) > self.max_registered:
            self._registered.popitem(last=False)

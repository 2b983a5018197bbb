"""Variables that are not text: half a UTF-16 surrogate pair, refused before anything runs.

JSON may escape a lone surrogate (`"\\ud800"`); Python's json module decodes it into a string
that nothing can write: not UTF-8, not a database driver, not orjson. graphql-core's parser
refuses one in the document itself (a syntax error); this check refuses one anywhere in the
variables (any value or name, at any depth) with one error coded `INVALID_CHARACTER`, the
code the write rules use, before the price check, the planner or graphql-core run, over every
transport (HTTP GET and POST, WebSocket), for queries and mutations alike. The fast lane
never sees one: it reads requests with orjson, which refuses the escape, so it steps aside.

NUL is text (orjson writes it, a lookup simply finds nothing): the write rules refuse it field
by field, as PostgreSQL cannot store it; it is not refused here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

CODE = "INVALID_CHARACTER"

# In a decoded string a paired surrogate is one character past U+FFFF: any left is alone.
_SURROGATE = re.compile("[\ud800-\udfff]")

Path = tuple[str | int, ...]
# A value still to look at, and the way to it from the root (a linked list, built into a path
# only when something is found, so a deep value costs no copying).
_Trail = tuple[str | int, "_Trail"] | None


def find_surrogate(value: object) -> tuple[Path, str] | None:
    """Where the first lone surrogate in a decoded JSON value is (the path of the string, or
    of the object key, holding it), and which one; None when there is none."""
    pending: list[tuple[object, _Trail]] = [(value, None)]
    while pending:
        item, trail = pending.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                return _path(trail), found.group()
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                found = _SURROGATE.search(key)
                if found is not None:
                    return _path((key, trail)), found.group()
                pending.append((inner, (key, trail)))
        elif isinstance(item, list):
            pending.extend(
                (inner, (index, trail)) for index, inner in reversed(list(enumerate(item)))
            )
    return None


def _path(trail: _Trail) -> Path:
    parts: list[str | int] = []
    while trail is not None:
        part, trail = trail
        parts.append(part)
    return tuple(reversed(parts))


def escaped(text: str) -> str:
    """`text` with each lone surrogate written as its JSON escape, so it can be shown."""
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def surrogate_error(variables: object) -> GraphQLError | None:
    """The request's error if a variable holds a lone surrogate, else None."""
    found = find_surrogate(variables) if isinstance(variables, dict) else None
    if found is None:
        return None
    path, surrogate = found
    name, *inside = [escaped(part) if isinstance(part, str) else part for part in path]
    where = f"${name}" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in inside
    )
    return GraphQLError(
        f"Variable {where} holds an unpaired UTF-16 surrogate ({escaped(surrogate)}), "
        "which is not text.",
        extensions={"code": CODE, "variable": [name, *inside]},
    )


class UnpairedSurrogates(SchemaExtension):
    """Refuses an operation whose variables hold a lone surrogate, in place of validation.

    Listed after AdmissionChecks, which sets the validation result unconditionally: an error
    set here is then the one answered, and pricing and execution do not run.
    """

    def on_operation(self) -> Iterator[None]:
        name = self.execution_context.operation_name
        if name is not None and _SURROGATE.search(name):
            # A GraphQL name is ASCII, so this one names no operation and is answered as any
            # unknown name is, before validation; that answer repeats the name, and with the
            # surrogate in it could not be written (a 500 over HTTP). Strawberry keeps the
            # name the request gave here; its `operation_name` property has no setter.
            self.execution_context._provided_operation_name = escaped(name)
        yield

    def on_validate(self) -> Iterator[None]:
        error = surrogate_error(self.execution_context.variables or {})
        if error is not None:
            self.execution_context.pre_execution_errors = [error]
        yield

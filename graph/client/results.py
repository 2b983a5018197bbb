"""Mutation results: telling the typed errors (NotFound, ValidationFailed …) from success."""

from __future__ import annotations

from typing import Any

ERROR_TYPES = frozenset(
    {"NotFound", "ValidationFailed", "VersionConflict", "SlugTaken", "Forbidden"}
)

# Selected on every mutation result the clients send, next to the success type's fields.
ERROR_FIELDS = """
    __typename
    ... on MutationError { message }
    ... on ValidationFailed { fieldErrors { path message } }
    ... on VersionConflict { currentVersion }
"""


class MutationFailed(Exception):
    """A mutation answered with one of the typed errors, so it wrote nothing."""

    def __init__(self, mutation: str, result: dict[str, Any]) -> None:
        super().__init__(f"{mutation}: {result['__typename']}: {result.get('message', '')}")
        self.mutation = mutation
        self.result = result

    @property
    def kind(self) -> str:
        """The error's GraphQL type name, e.g. VersionConflict."""
        return str(self.result["__typename"])

    def reason(self) -> str:
        """The error in a few words; a ValidationFailed counts its fields (listed separately)."""
        if self.kind == "ValidationFailed":
            count = len(self.result.get("fieldErrors") or [])
            return f"the input was refused ({count} field error{'s' if count != 1 else ''})"
        return f"{self.kind}: {self.result.get('message', '')}"

    def field_errors(self) -> list[str]:
        """Each refused field as `path: message` (path dotted, as in the input)."""
        return [
            f"{'.'.join(error['path']) or '(input)'}: {error['message']}"
            for error in self.result.get("fieldErrors") or []
        ]


def is_typed_error(result: Any) -> bool:
    """Whether a result object is one of the typed errors (judged by its `__typename`)."""
    return isinstance(result, dict) and result.get("__typename") in ERROR_TYPES


def succeeded(data: dict[str, Any], mutation: str) -> dict[str, Any]:
    """The result of `mutation` in `data`; a typed error raises MutationFailed."""
    result: dict[str, Any] = data[mutation]
    if is_typed_error(result):
        raise MutationFailed(mutation, result)
    return result

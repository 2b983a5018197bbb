"""Why an edit was refused. The API maps each to a typed GraphQL error in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EditError(Exception):
    """An edit that was refused; nothing was written."""


class NotFound(EditError):
    """The object to change does not exist (or the caller may not know it does)."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"No {kind} {key}.")
        self.kind = kind


class Code(StrEnum):
    """Why one input field was refused."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"
    INVALID = "invalid"
    INVALID_SLUG = "invalid_slug"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"
    IN_PAST = "in_past"
    INVALID_CHARACTER = "invalid_character"
    OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True)
class FieldError:
    """One refused input field: where it is (e.g. `bylines.2.author`), what and why."""

    path: tuple[str, ...]
    message: str
    code: Code


class ValidationFailed(EditError):
    """One or more input fields are wrong; every problem found is listed."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{'.'.join(e.path)}: {e.message}" for e in errors))
        self.errors = errors


class VersionConflict(EditError):
    """Someone else changed the object since the caller read it."""

    def __init__(self, kind: str, current_version: int) -> None:
        super().__init__(
            f"The {kind} was changed by someone else; it is now at version {current_version}."
        )
        self.current_version = current_version


class SlugTaken(EditError):
    """Another object of the same kind already has this slug."""

    def __init__(self, kind: str, slug: str) -> None:
        super().__init__(f"Another {kind} already has the slug {slug!r}.")
        self.slug = slug


class Forbidden(EditError):
    """The caller may not do this: no token, a bad or revoked one, or too small a role."""

    def __init__(self, message: str, authenticated: bool) -> None:
        super().__init__(message)
        self.authenticated = authenticated

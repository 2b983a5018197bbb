"""Collects every problem with an input before anything is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from graph.content import max_text_bytes, served_bytes
from graph.danish import SLUG_MAX_LENGTH, is_valid_slug
from graph.editing.errors import Code, FieldError, ValidationFailed

Path = Sequence[str | int]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# NUL cannot be stored in PostgreSQL text (SQLite would keep it); a lone surrogate (a JSON
# escape like "\ud800" without its pair) cannot be encoded as UTF-8 by any driver. The API
# refuses the latter before any rule runs (graph/api/surrogates.py); other callers meet it here.
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")

# Times are stored in UTC and answered in Copenhagen time, and dates get days added or taken
# away (reminders): one year of slack at each end keeps all of that inside Python's range.
FIRST_YEAR, LAST_YEAR = 2, 9998


def has_bad_character(text: str) -> bool:
    """True when `text` holds a character no database can store (NUL, a lone surrogate)."""
    return _BAD_CHARACTER.search(text) is not None


def in_range(moment: dt.date) -> bool:
    """True for a date, or a time (naive: Copenhagen), inside years FIRST_YEAR..LAST_YEAR."""
    if isinstance(moment, dt.datetime):
        zoned = moment if moment.tzinfo is not None else moment.replace(tzinfo=COPENHAGEN)
        try:
            moment = zoned.astimezone(dt.UTC)
        except OverflowError:
            return False
    return FIRST_YEAR <= moment.year <= LAST_YEAR


class Checks:
    """A list of field errors; `done()` raises ValidationFailed if there are any."""

    def __init__(self, prefix: Path = (), errors: list[FieldError] | None = None) -> None:
        self.prefix = tuple(str(part) for part in prefix)
        self.errors: list[FieldError] = [] if errors is None else errors

    def at(self, *prefix: str | int) -> Checks:
        """Checks for a nested input (e.g. `posts.3`), recording into the same list."""
        return Checks((*self.prefix, *map(str, prefix)), self.errors)

    def fail(self, path: Path, message: str, code: Code) -> None:
        """Record one problem at `path` (below this checker's prefix)."""
        full = (*self.prefix, *(str(part) for part in path))
        self.errors.append(FieldError(full, message, code))

    def text(self, path: Path, value: str | None, max_length: int, required: bool = False) -> None:
        """A text field: present and non-blank when required, never longer than `max_length`
        characters, nor than TEXT_BYTES_PER_CHAR times that in bytes as the API serves it."""
        if value is None or not value.strip():
            if required:
                self.fail(path, "must not be empty", Code.REQUIRED)
            return
        if len(value) > max_length:
            self.fail(path, f"must be at most {max_length} characters", Code.TOO_LONG)
        elif (
            len(value) * 6 > (most := max_text_bytes(max_length))
            and (size := served_bytes(value)) > most
        ):
            self.fail(
                path,
                f"takes {size} bytes as UTF-8 in JSON; at most {most} are allowed "
                "(emoji, control characters and quotes take more than one)",
                Code.TOO_LONG,
            )

    def slug(self, path: Path, value: str | None) -> None:
        """A slug, if given: lower-case a-z, digits and single hyphens, at most 200 characters."""
        if value is None:
            return
        if len(value) > SLUG_MAX_LENGTH or not is_valid_slug(value):
            self.fail(
                path,
                "must be lower-case letters a-z, digits and single hyphens (æ/ø/å as ae/oe/aa)",
                Code.INVALID_SLUG,
            )

    def value(self, path: Path, value: object) -> None:
        """Any input value, nested or not: no unstorable character, no date out of range."""
        if isinstance(value, str) and has_bad_character(value):
            self.fail(
                path,
                "must not contain NUL or unpaired surrogate characters",
                Code.INVALID_CHARACTER,
            )
        elif isinstance(value, dt.date) and not in_range(value):
            self.fail(
                path, f"must lie between the years {FIRST_YEAR} and {LAST_YEAR}", Code.OUT_OF_RANGE
            )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self.value([*path, key], item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                self.value([*path, index], item)

    def not_null(self, fields: Mapping[str, Any], *names: str) -> None:
        """Fields an update may leave out but not set to null."""
        for name in names:
            if name in fields and fields[name] is None:
                self.fail([name], "must not be null", Code.REQUIRED)

    def future(self, path: Path, value: dt.datetime | None, now: dt.datetime) -> None:
        """A time that must lie ahead of `now`."""
        if value is not None and value <= now:
            self.fail(path, "must be in the future", Code.IN_PAST)

    def count(self, path: Path, items: Sequence[Any], maximum: int) -> None:
        """A list of at most `maximum` items."""
        if len(items) > maximum:
            self.fail(path, f"must have at most {maximum} entries", Code.TOO_MANY)

    def done(self) -> None:
        """Raise ValidationFailed listing every problem found, if there was one."""
        if self.errors:
            raise ValidationFailed(self.errors)

"""SQL expressions that write a value exactly as the interpreter's readers write it in JSON.

Each takes the SQL alias of the row it reads from. PostgreSQL makes the JSON text, so every
spelling is the Python one: times in Copenhagen as `datetime.isoformat()` writes them, ids as
`base64("Type:pk")`, cursors as `encode_cursor` makes them (compact JSON, URL-safe base64
without padding).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COPENHAGEN = "'Europe/Copenhagen'"
# `datetime.isoformat()` writes microseconds only when there are some.
_MICROSECONDS = (
    "CASE WHEN mod(date_part('microseconds', {x})::bigint, 1000000) = 0 THEN '' "
    "ELSE to_char({x} AT TIME ZONE {zone}, '.US') END"
)


def literal(value: Any) -> str:
    """A constant as SQL: NULL, or a quoted text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("'", "''") + "'"


def column(alias: str, name: str) -> str:
    """The column as it is (text, numbers, booleans, null)."""
    return f"{alias}.{name}"


def moment(expression: str, zone: str = COPENHAGEN) -> str:
    """A timestamp in `zone`, ISO 8601 with its UTC offset (`2025-06-02T07:37:00+02:00`)."""
    local = f"({expression} AT TIME ZONE {zone})"
    offset = f"({local} - ({expression} AT TIME ZONE 'UTC'))"
    return (
        f"(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"{_MICROSECONDS.format(x=expression, zone=zone)} || {_offset(offset)})"
    )


def _offset(offset: str) -> str:
    """A UTC offset as `datetime.isoformat()` writes it: whole hours (every offset Copenhagen
    has had since 1894) without arithmetic; others with their minutes, and seconds if any
    (local mean time before 1894 was +00:50:20)."""
    seconds = f"abs(extract(epoch FROM {offset}))::int"
    general = (
        f"CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END || "
        f"to_char({seconds} * interval '1 second', 'HH24:MI') || "
        f"CASE WHEN mod({seconds}, 60) = 0 THEN '' "
        f"ELSE to_char(mod({seconds}, 60), 'FM\":\"00') END"
    )
    whole = " ".join(f"WHEN interval '{hours} hours' THEN '{hours:+03d}:00'" for hours in (0, 1, 2))
    return f"CASE {offset} {whole} ELSE {general} END"


def utc_moment(expression: str) -> str:
    """A timestamp in UTC, ISO 8601 (`2025-06-02T05:37:00+00:00`), as post cursors hold it."""
    return moment(expression, "'UTC'")


def day(expression: str) -> str:
    """A date, ISO 8601."""
    return f"to_char({expression}, 'YYYY-MM-DD')"


def enum_name(expression: str, names: Mapping[str, str]) -> str:
    """A stored enum value as the schema names it (`published` → `PUBLISHED`)."""
    cases = " ".join(f"WHEN {literal(value)} THEN {literal(name)}" for value, name in names.items())
    return f"CASE {expression} {cases} END"


def base64_text(expression: str) -> str:
    """Standard base64 of a text, on one line (PostgreSQL breaks lines every 76 characters)."""
    return f"translate(encode(convert_to({expression}, 'UTF8'), 'base64'), E'\\n', '')"


def global_id(type_name: str, alias: str) -> str:
    """The object's global id, `base64("Type:pk")`."""
    return base64_text(f"'{type_name}:' || {alias}.id")


def cursor(values: list[str]) -> str:
    """A cursor from SQL expressions that are each already compact JSON: URL-safe base64 of
    the JSON array, without padding."""
    array = " || ',' || ".join(values)
    encoded = f"encode(convert_to('[' || {array} || ']', 'UTF8'), 'base64')"
    return f"rtrim(translate({encoded}, E'+/\\n', '-_'), '=')"


def json_text(expression: str) -> str:
    """A text (or null) as a JSON value, for a cursor's parts: ASCII only, as json.dumps."""
    return f"COALESCE('\"' || {expression} || '\"', 'null')"


# `json.dumps` (ensure_ascii) escapes of the characters it does not write as they are.
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHORT_ESCAPES |= {"\b": "\\b", "\f": "\\f"}


def ascii_json_text(expression: str) -> str:
    """A text as `json.dumps` writes it: quoted, with everything outside printable ASCII
    escaped (`æ` → `\\u00e6`, past U+FFFF as a surrogate pair); for a cursor's sort key."""
    short = " ".join(
        f"WHEN {literal(char)} THEN {literal(escaped)}" for char, escaped in _SHORT_ESCAPES.items()
    )
    code = "ascii(ch)"
    low = f"lpad(to_hex({code}), 4, '0')"
    pair = (
        f"to_hex(55296 + (({code} - 65536) >> 10)) || '\\u' || "
        f"to_hex(56320 + (({code} - 65536) & 1023))"
    )
    escaped = (
        f"CASE ch {short} ELSE CASE WHEN {code} BETWEEN 32 AND 126 THEN ch "
        f"WHEN {code} < 65536 THEN '\\u' || {low} ELSE '\\u' || {pair} END END"
    )
    each = (
        f"SELECT string_agg({escaped}, '' ORDER BY n) FROM "
        f"regexp_split_to_table({expression}, '') WITH ORDINALITY AS chars(ch, n) "
        "WHERE ch <> ''"
    )
    quoted = f"'\"' || COALESCE(({each}), '') || '\"'"
    return f"CASE WHEN {expression} IS NULL THEN 'null' ELSE {quoted} END"

"""graph.read.json_sql: scalars spelled in SQL exactly as Python spells them.

tests/planning/test_compiled.py checks times, cursors and sort keys; these the rest.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from graph.db import libpq_url
from graph.read import json_sql as values


@pytest.fixture
def postgres(database: str) -> Iterator[psycopg.Connection[Any]]:
    if not database.startswith("psycopg"):
        pytest.skip("the compiler writes PostgreSQL; SQLite runs plans level by level")
    with psycopg.connect(libpq_url(database), autocommit=True) as connection:
        yield connection


def _one(connection: psycopg.Connection[Any], expression: str, **params: Any) -> Any:
    row = connection.execute(f"SELECT {expression}", params).fetchone()
    assert row is not None
    return row[0]


def test_literals_are_quoted_once() -> None:
    assert values.literal(None) == "NULL"
    assert values.literal(True) == "true"
    assert values.literal("Ole's") == "'Ole''s'"


def test_a_global_id_is_base64_of_type_and_key(postgres: psycopg.Connection[Any]) -> None:
    written = _one(postgres, values.global_id("Post", "x") + " FROM (SELECT 123 AS id) x")
    assert written == base64.b64encode(b"Post:123").decode()


def test_a_long_text_in_base64_stays_on_one_line(postgres: psycopg.Connection[Any]) -> None:
    text = "Ærø " * 40
    written = _one(postgres, values.base64_text("%(t)s::text"), t=text)
    assert written == base64.b64encode(text.encode()).decode()


def test_a_stored_enum_is_answered_by_its_schema_name(postgres: psycopg.Connection[Any]) -> None:
    names = {"published": "PUBLISHED", "draft": "DRAFT"}
    assert _one(postgres, values.enum_name("%(v)s::text", names), v="draft") == "DRAFT"


def test_a_date_is_iso_8601(postgres: psycopg.Connection[Any]) -> None:
    assert _one(postgres, values.day("DATE '2026-05-01'")) == "2026-05-01"


def test_a_missing_text_in_a_cursor_is_json_null(postgres: psycopg.Connection[Any]) -> None:
    assert _one(postgres, values.json_text("%(t)s::text"), t=None) == "null"
    assert _one(postgres, values.json_text("%(t)s::text"), t="x") == '"x"'

"""graph.read.sql: `?` placeholders on either database, and joined rows nested."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import START, Rows, tagged_rows

from graph import models
from graph.read import sql


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def test_nest_moves_a_joined_rows_columns_under_its_name() -> None:
    found = sql.nest(
        [
            {"id": 1, "author.id": 7, "author.name": "Anne", "organization.id": None},
            {"id": 2, "author.id": 8, "author.name": "Bo", "organization.id": 3},
        ],
        ["author", "organization"],
    )
    assert found[0]["author"] == {"id": 7, "name": "Anne"}
    assert found[0]["organization"] is None  # a LEFT JOIN that found no row
    assert found[1]["organization"] == {"id": 3}
    assert sql.nest([], ["author"]) == []


def test_prefixed_keeps_a_joined_tables_columns_apart() -> None:
    assert sql.prefixed("a", "id, name", "author") == 'a.id AS "author.id", a.name AS "author.name"'
    assert sql.placeholders(3) == "?, ?, ?"


def test_column_values_come_back_typed_whatever_the_driver_gave() -> None:
    assert sql.to_datetime("2021-03-01 09:00:00+00:00") == START
    assert sql.to_date("2021-03-01") == dt.date(2021, 3, 1)
    assert sql.to_date(None) is None
    moment = sql.in_copenhagen("2021-07-01 09:00:00+00:00")
    assert moment is not None and (moment.hour, moment.utcoffset()) == (11, dt.timedelta(hours=2))
    assert sql.from_json('["a", 1]') == ["a", 1] == sql.from_json(["a", 1])


async def test_fetch_binds_question_marks_on_either_database(rows: Rows) -> None:
    relay = await rows.relay()
    (post,) = await rows.published(relay, 1)
    found = await sql.fetch(
        "SELECT id, published_at FROM post WHERE relay_id = ? AND published_at >= ?",
        [relay.id, START - dt.timedelta(hours=1)],
    )
    assert [row["id"] for row in found] == [post.id]
    assert sql.to_datetime(found[0]["published_at"]) == START


async def test_a_percent_sign_in_a_statement_is_not_a_placeholder(rows: Rows) -> None:
    relay = await rows.relay()
    found = await sql.fetch("SELECT id FROM relay WHERE slug LIKE ?", [f"%{rows.tag}%"])
    assert [row["id"] for row in found] == [relay.id]
    found = await sql.fetch("SELECT id FROM relay WHERE slug LIKE '%' || ?", [rows.tag + "-1"])
    assert [row["id"] for row in found] == [relay.id]


async def test_a_nul_character_in_a_parameter_matches_nothing_instead_of_failing(
    rows: Rows,
) -> None:
    relay = await rows.relay()
    assert await sql.fetch("SELECT id FROM relay WHERE slug = ?", [relay.slug + "\x00"]) == []


async def test_execute_runs_a_statement_with_placeholders(rows: Rows) -> None:
    relay = await rows.relay()
    await sql.execute("UPDATE relay SET title = ? WHERE id = ?", ["Omdøbt", relay.id])
    assert (await models.Relay.get(id=relay.id)).title == "Omdøbt"

"""graph.read.columns: each table's columns as its model declares them, so a column added to a
model is read without touching the read layer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows
from tortoise import fields
from tortoise.models import Model

from graph import models
from graph.read import sql
from graph.read.columns import PENDING_CONTENT, columns_of


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def test_a_models_columns_are_its_fields_in_order_with_keys_as_their_id_columns() -> None:
    class Note(Model):
        id = fields.IntField(primary_key=True)
        title = fields.CharField(max_length=40)
        relay: fields.ForeignKeyRelation[models.Relay] = fields.ForeignKeyField(
            "models.Relay", related_name=False
        )
        editor: fields.ForeignKeyNullableRelation[models.Author] = fields.ForeignKeyField(
            "models.Author", related_name=False, null=True, source_field="written_by"
        )
        words = fields.IntField(source_field="word_count")

    assert columns_of(Note) == ("id", "title", "relay_id", "written_by", "word_count")


async def test_the_column_lists_name_every_column_the_database_has(rows: Rows) -> None:
    relay = await rows.relay()
    author = await rows.author()
    post = await rows.post(relay, authors=(author,))
    for model, row_id in (
        (models.Relay, relay.id),
        (models.Author, author.id),
        (models.Post, post.id),
    ):
        table = model._meta.db_table
        (row,) = await sql.fetch(f"SELECT * FROM {table} WHERE id = ?", [row_id])
        assert set(columns_of(model)) == set(row), table


def test_a_staged_edit_holds_the_content_a_post_shows_and_none_of_its_bookkeeping() -> None:
    post, pending = set(columns_of(models.Post)), set(columns_of(models.PostPending))
    assert {"title", "slug", "teaser", "body", "html", "category_id"} <= set(PENDING_CONTENT)
    assert set(PENDING_CONTENT) <= post & pending
    assert not {"id", "post_id", "status", "version", "staged_by"} & set(PENDING_CONTENT)

"""graph.read.batons: batons by id, and each relay's current one, in one statement each."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows

from graph import models
from graph.read.batons import batons_by_ids, current_batons_for_relays

DUE = dt.date(2026, 6, 1)


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        try:
            yield rows
        finally:  # before the relays go: SQLite may not cascade
            await models.Baton.filter(relay__slug__contains=rows.tag).delete()


async def _baton(relay: models.Relay, author: models.Author, state: str) -> models.Baton:
    return await models.Baton.create(
        relay=relay, author=author, due_on=DUE, state=state, passed_by="unit-test"
    )


async def test_the_held_baton_is_current_even_when_a_newer_one_was_handed_on(rows: Rows) -> None:
    relay, author = await rows.relay(), await rows.author()
    held = await _baton(relay, author, "held")
    await _baton(relay, author, "handed_on")
    (current,) = await current_batons_for_relays([relay.id])
    assert (current["id"], current["state"]) == (held.id, "held")


async def test_without_a_held_baton_the_latest_is_current_and_relays_without_are_absent(
    rows: Rows,
) -> None:
    relay, bare, author = await rows.relay(), await rows.relay(), await rows.author()
    await _baton(relay, author, "handed_on")
    latest = await _baton(relay, author, "replaced")
    found = await current_batons_for_relays([relay.id, bare.id])
    assert [(row["relay_id"], row["id"]) for row in found] == [(relay.id, latest.id)]


async def test_batons_by_id_answer_every_column_the_api_shows(rows: Rows) -> None:
    relay, author = await rows.relay(), await rows.author()
    baton = await _baton(relay, author, "held")
    (row,) = await batons_by_ids([baton.id, -1])
    assert (row["relay_id"], row["author_id"], row["state"]) == (relay.id, author.id, "held")
    assert str(row["due_on"]) == "2026-06-01" and row["post_id"] is None

"""graph.editing.legs: a relay's published posts are numbered 1..n in publication order."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import START, Rows, tagged_rows

from graph import models
from graph.editing.legs import renumber_legs


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def _legs(relay: models.Relay) -> dict[int, int | None]:
    return dict(await models.Post.filter(relay_id=relay.id).values_list("id", "leg"))


async def test_legs_follow_publication_time_not_creation_order(rows: Rows) -> None:
    relay = await rows.relay()
    late = await rows.post(relay, published_at=START + dt.timedelta(days=2))
    early = await rows.post(relay, published_at=START)
    await renumber_legs(relay.id)
    assert await _legs(relay) == {early.id: 1, late.id: 2}


async def test_posts_published_at_the_same_time_are_ordered_by_id(rows: Rows) -> None:
    relay = await rows.relay()
    one = await rows.post(relay, published_at=START)
    two = await rows.post(relay, published_at=START)
    await renumber_legs(relay.id)
    assert await _legs(relay) == {one.id: 1, two.id: 2}


async def test_an_unpublished_post_loses_its_leg_and_the_rest_close_up(rows: Rows) -> None:
    relay = await rows.relay()
    first, second, third = await rows.published(relay, 3)
    await models.Post.filter(id=second.id).update(status=models.PostStatus.ARCHIVED)
    await renumber_legs(relay.id)
    assert await _legs(relay) == {first.id: 1, second.id: None, third.id: 2}


async def test_other_relays_are_left_alone(rows: Rows) -> None:
    mine, other = await rows.relay(), await rows.relay()
    (theirs,) = await rows.published(other, 1)
    await models.Post.filter(id=theirs.id).update(leg=7)
    await rows.published(mine, 2)
    await renumber_legs(mine.id)
    assert await _legs(other) == {theirs.id: 7}

"""graph.read.access: the one visibility rule, as SQL run against real posts."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import START, Rows, tagged_rows

from graph import models
from graph.read import sql
from graph.read.access import ANONYMOUS, EDITOR, Access


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def _ids(relay: models.Relay, condition: str, order: str = "p.id") -> list[int]:
    found = await sql.fetch(
        f"SELECT p.id FROM post p WHERE p.relay_id = ? AND {condition} ORDER BY {order}",
        [relay.id],
    )
    return [row["id"] for row in found]


async def test_anonymous_callers_see_published_posts_only(rows: Rows) -> None:
    relay = await rows.relay()
    (published,) = await rows.published(relay, 1)
    draft = await rows.post(relay)
    archived = await rows.post(relay, status=models.PostStatus.ARCHIVED)
    assert await _ids(relay, ANONYMOUS.visible_posts()) == [published.id]
    assert await _ids(relay, ANONYMOUS.listed_posts()) == [published.id]
    assert await _ids(relay, EDITOR.visible_posts()) == [published.id, draft.id, archived.id]
    # An editor's lists leave archived posts out unless asked for.
    assert await _ids(relay, EDITOR.listed_posts()) == [published.id, draft.id]


async def test_an_editors_list_sorts_unpublished_posts_by_when_due_or_made(rows: Rows) -> None:
    relay = await rows.relay()
    (published,) = await rows.published(relay, 1)
    due = START + dt.timedelta(days=5)
    scheduled = await rows.post(relay, status=models.PostStatus.SCHEDULED, publish_at=due)
    draft = await rows.post(relay)  # made now: the newest of the three
    newest_first = f"{EDITOR.sort_time()} DESC"
    assert await _ids(relay, "1 = 1", newest_first) == [draft.id, scheduled.id, published.id]


def test_the_alias_is_the_callers() -> None:
    assert Access().visible_posts("q") == "q.status = 'published'"
    assert ANONYMOUS.sort_time("q") == "q.published_at"

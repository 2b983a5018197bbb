"""graph.read.posts: newest-first keyset pages for many parents in one call, and lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import START, Rows, tagged_rows

from graph.editing import slug_history
from graph.read import sql
from graph.read.access import ANONYMOUS, EDITOR
from graph.read.posts import (
    NO_FILTER,
    PageRequest,
    PostFilter,
    PostSelect,
    Scope,
    neighbours,
    post_counts,
    post_pages,
    posts_by_ids,
    posts_by_slugs,
)


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _ids(found: list[sql.Row]) -> list[int]:
    return [row["id"] for row in found]


def _key(row: sql.Row) -> tuple[dt.datetime, int]:
    """The cursor a page hands out for a row: its sort time and id."""
    moment = sql.to_datetime(row["sort_at"])
    assert moment is not None
    return moment, row["id"]


async def test_a_page_is_newest_first_and_stops_at_first_plus_one(rows: Rows) -> None:
    relay = await rows.relay()
    made = await rows.published(relay, 5)
    pages = await post_pages(Scope.RELAY, [relay.id], NO_FILTER, PageRequest(2), ANONYMOUS)
    # Three rows for `first: 2`: the third only says there is a next page.
    assert _ids(pages[relay.id]) == [made[4].id, made[3].id, made[2].id]


async def test_the_cursor_continues_after_the_last_row_seen(rows: Rows) -> None:
    relay = await rows.relay()
    made = await rows.published(relay, 5)
    first = await post_pages(Scope.RELAY, [relay.id], NO_FILTER, PageRequest(2), ANONYMOUS)
    after = _key(first[relay.id][1])
    rest = await post_pages(Scope.RELAY, [relay.id], NO_FILTER, PageRequest(5, after), ANONYMOUS)
    assert _ids(rest[relay.id]) == [made[2].id, made[1].id, made[0].id]


async def test_several_parents_are_paged_in_one_call_each_on_its_own(rows: Rows) -> None:
    one, two, empty = await rows.relay(), await rows.relay(), await rows.relay()
    mine = await rows.published(one, 3)
    theirs = await rows.published(two, 1)
    parents = [one.id, two.id, empty.id]
    pages = await post_pages(Scope.RELAY, parents, NO_FILTER, PageRequest(1), ANONYMOUS)
    assert {key: _ids(found) for key, found in pages.items()} == {
        one.id: [mine[2].id, mine[1].id],
        two.id: [theirs[0].id],
    }
    counts = await post_counts(Scope.RELAY, parents, NO_FILTER, ANONYMOUS)
    assert counts == {one.id: 3, two.id: 1}


async def test_drafts_are_paged_for_editors_only(rows: Rows) -> None:
    relay = await rows.relay()
    (published,) = await rows.published(relay, 1)
    draft = await rows.post(relay)
    request = PageRequest(10)
    anonymous = await post_pages(Scope.RELAY, [relay.id], NO_FILTER, request, ANONYMOUS)
    editor = await post_pages(Scope.RELAY, [relay.id], NO_FILTER, request, EDITOR)
    assert _ids(anonymous[relay.id]) == [published.id]
    assert _ids(editor[relay.id]) == [draft.id, published.id]  # made now: newest
    drafts = PostFilter(statuses=("draft",))
    assert await post_counts(Scope.RELAY, [relay.id], drafts, EDITOR) == {relay.id: 1}
    nothing = PostFilter(statuses=())
    assert await post_counts(Scope.RELAY, [relay.id], nothing, EDITOR) == {}


async def test_an_author_page_lists_a_post_once_however_many_bylines(rows: Rows) -> None:
    relay, author, other = await rows.relay(), await rows.author(), await rows.author()
    (both,) = await rows.published(relay, 1, authors=(author, other))
    await rows.published(relay, 1, authors=(other,))
    pages = await post_pages(Scope.AUTHOR, [author.id], NO_FILTER, PageRequest(5), ANONYMOUS)
    assert _ids(pages[author.id]) == [both.id]
    by_author = PostFilter(relay=relay.slug, author=author.slug)
    assert await post_counts(Scope.ALL, [], by_author, ANONYMOUS) == {0: 1}


async def test_a_lean_select_leaves_long_texts_out_and_joins_the_relay(rows: Rows) -> None:
    relay = await rows.relay()
    (post,) = await rows.published(relay, 1)
    select = PostSelect(long=frozenset(), joined=frozenset({"relay", "category"}))
    (row,) = await posts_by_ids([post.id], ANONYMOUS, select)
    assert "body" not in row and "html" not in row
    assert row["relay"]["slug"] == relay.slug and row["category"] is None


async def test_an_old_slug_finds_the_post_but_a_drafts_slug_finds_nothing(rows: Rows) -> None:
    relay = await rows.relay()
    (post,) = await rows.published(relay, 1)
    draft = await rows.post(relay)
    old = rows.slug("gammel")
    await slug_history.retire(slug_history.Kind.POST, post.id, old, post.slug)
    (found,) = await posts_by_slugs([old, draft.slug], ANONYMOUS)
    assert (found["id"], found["asked_slug"], found["slug"]) == (post.id, old, post.slug)
    assert _ids(await posts_by_slugs([draft.slug], EDITOR)) == [draft.id]


async def test_neighbours_are_the_visible_posts_on_either_side_by_leg(rows: Rows) -> None:
    relay = await rows.relay()
    first, second, third = await rows.published(relay, 3)
    found = {row["id"]: row for row in await neighbours([first.id, second.id], ANONYMOUS)}
    assert (found[first.id]["prev_id"], found[first.id]["next_id"]) == (None, second.id)
    assert (found[second.id]["prev_id"], found[second.id]["next_id"]) == (first.id, third.id)
    draft = await rows.post(relay)
    assert await neighbours([draft.id], ANONYMOUS) == []


async def test_for_editors_a_draft_follows_every_published_post(rows: Rows) -> None:
    relay = await rows.relay()
    *_, last = await rows.published(relay, 2)
    draft = await rows.post(relay)
    (found,) = await neighbours([draft.id], EDITOR)
    assert (found["prev_id"], found["next_id"]) == (last.id, None)


async def test_a_time_window_filters_by_publication(rows: Rows) -> None:
    relay = await rows.relay()
    made = await rows.published(relay, 4)
    window = PostFilter(
        published_after=START + dt.timedelta(days=1), published_before=START + dt.timedelta(days=3)
    )
    pages = await post_pages(Scope.RELAY, [relay.id], window, PageRequest(10), ANONYMOUS)
    assert _ids(pages[relay.id]) == [made[2].id, made[1].id]

"""graph.read.search: ranked pages of visible posts, counts and facets, on either database."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.editing import letters
from fixtures.units import START, Rows, tagged_rows

from graph.read import sql
from graph.read.access import ANONYMOUS, EDITOR, Access
from graph.read.posts import PostFilter
from graph.read.search import (
    Matching,
    count_matches,
    facet_counts,
    highlight_texts,
    search_posts,
    tiers,
)
from graph.search.syntax import parse


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _matching(text: str, access: Access = ANONYMOUS, **filters: str) -> Matching:
    return Matching(parse(text), PostFilter(**filters), access)


def _ids(found: list[sql.Row]) -> list[int]:
    return [row["id"] for row in found]


def day(n: int) -> dt.datetime:
    return START + dt.timedelta(days=n)


def test_two_plain_words_rank_a_phrase_above_scattered_words() -> None:
    assert [tier.score for tier in tiers(parse("grøn omstilling"))] == [1.5, 1.0, 0.75, 0.5, 0.2]
    assert [tier.score for tier in tiers(parse("omstilling"))] == [1.0, 0.5, 0.2]


async def test_a_title_match_ranks_above_a_teaser_match_above_a_body_match(rows: Rows) -> None:
    word, relay = letters(), await rows.relay()
    # Created best-ranked first, so the newest post is the worst match: rank beats time.
    in_title = await rows.post(relay, published_at=day(0), title=f"Om {word}", body="Tekst.")
    in_teaser = await rows.post(relay, published_at=day(1), teaser=f"Om {word}", body="Tekst.")
    in_body = await rows.post(relay, published_at=day(2), teaser="Kort.", body=f"Om {word}.")
    found = await search_posts(_matching(word), 0, 10)
    assert _ids(found) == [in_title.id, in_teaser.id, in_body.id]
    assert [row["score"] for row in found] == [1.0, 0.5, 0.2]


async def test_words_side_by_side_in_a_title_rank_above_scattered_ones(rows: Rows) -> None:
    one, two, relay = letters(), letters(), await rows.relay()
    scattered = await rows.post(relay, published_at=day(1), title=f"{two} og {one}", body="x")
    phrase = await rows.post(relay, published_at=day(0), title=f"{one} {two}", body="x")
    found = await search_posts(_matching(f"{one} {two}"), 0, 10)
    assert [(row["id"], row["score"]) for row in found] == [(phrase.id, 1.5), (scattered.id, 1.0)]


async def test_within_a_tier_newest_first_and_offset_pages_on(rows: Rows) -> None:
    word, relay = letters(), await rows.relay()
    made = [await rows.post(relay, published_at=day(n), body=f"Om {word}.") for n in range(4)]
    assert _ids(await search_posts(_matching(word), 0, 2)) == [made[3].id, made[2].id]
    assert _ids(await search_posts(_matching(word), 2, 2)) == [made[1].id, made[0].id]


async def test_an_excluded_word_and_a_draft_keep_posts_out(rows: Rows) -> None:
    word, other, relay = letters(), letters(), await rows.relay()
    kept = await rows.post(relay, published_at=day(0), body=f"{word}.")
    await rows.post(relay, published_at=day(1), body=f"{word} {other}.")
    draft = await rows.post(relay, body=f"{word}.")
    assert _ids(await search_posts(_matching(f"{word} -{other}"), 0, 10)) == [kept.id]
    assert draft.id in _ids(await search_posts(_matching(word, EDITOR), 0, 10))
    assert await search_posts(_matching(f"-{word}"), 0, 10) == []  # nothing required


async def test_counts_stop_at_the_limit(rows: Rows) -> None:
    word, relay = letters(), await rows.relay()
    for n in range(3):
        await rows.post(relay, published_at=day(n), body=f"{word}.")
    assert await count_matches(_matching(word), 10) == 3
    assert await count_matches(_matching(word), 2) == 2
    assert await count_matches(_matching(word, relay=rows.slug("ingen")), 10) == 0


async def test_facets_count_matches_per_category_relay_and_copenhagen_year(rows: Rows) -> None:
    word, category = letters(), await rows.category()
    one, two = await rows.relay(), await rows.relay()
    new_year = dt.datetime(2021, 12, 31, 23, 30, tzinfo=dt.UTC)  # 2022 in Copenhagen
    await rows.post(one, published_at=day(0), body=word, category=category)
    await rows.post(one, published_at=new_year, body=word)
    await rows.post(two, published_at=day(1), body=word, category=category)
    facets = await facet_counts(_matching(word), 100)
    assert facets.categories == [(category.id, 2)]
    assert facets.relays == [(one.id, 2), (two.id, 1)]
    assert facets.years == [(2022, 1), (2021, 2)]


async def test_highlights_are_cut_from_the_title_teaser_and_html(rows: Rows) -> None:
    post = await rows.post(await rows.relay(), body="Et **fedt** ord.")
    found = await highlight_texts([post.id])
    assert found[post.id]["html"] == "<p>Et <strong>fedt</strong> ord.</p>\n"
    assert await highlight_texts([]) == {}

"""`Post.wordCount` and `Post.readingTime` as a reader's frontend gets them over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk

# 21 words as a reader sees them (tests/test_content.py counts the same text).
DANISH_21_WORDS = """# Velfærd i kommunerne

Når **borgerne** møder kommunen, handler det om tillid \N{EN DASH} og om tid.

- Ældreplejen får 2026-budgettet
- Skolerne får [nye lærere](https://example.org/laerere)
"""
READ = "query ($slug: String!) { post(slug: $slug) { wordCount readingTime } }"


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def _published(desk: Desk, body: str) -> str:
    post = await desk.published(await desk.relay(), body=body)
    slug: str = post["slug"]
    return slug


async def test_a_short_danish_post_counts_its_words_and_takes_a_minute(
    desk: Desk, gql: GraphQL
) -> None:
    slug = await _published(desk, DANISH_21_WORDS)
    assert (await gql.data(READ, slug=slug))["post"] == {"wordCount": 21, "readingTime": 1}


@pytest.mark.parametrize(("words", "minutes"), [(238, 1), (239, 2), (476, 2), (477, 3)])
async def test_reading_time_rounds_up_whole_minutes_at_238_words_each(
    desk: Desk, gql: GraphQL, words: int, minutes: int
) -> None:
    slug = await _published(desk, " ".join(["ord"] * words))
    post = (await gql.data(READ, slug=slug))["post"]
    assert post == {"wordCount": words, "readingTime": minutes}


async def test_an_empty_draft_has_no_words_and_no_reading_time(desk: Desk, editor: GraphQL) -> None:
    draft = await desk.post(body="")
    post = (await editor.data(READ, slug=draft["slug"]))["post"]
    assert post == {"wordCount": 0, "readingTime": 0}


async def test_publishing_a_staged_body_brings_its_word_count_live(
    desk: Desk, gql: GraphQL
) -> None:
    live = await desk.published(await desk.relay(), body="Tre små ord")
    staged = await desk.ok(
        "updatePost",
        id=live["id"],
        expectedVersion=live["version"],
        stage=True,
        body=DANISH_21_WORDS,
    )
    # Staged: readers still see the live post's count.
    assert (await gql.data(READ, slug=live["slug"]))["post"]["wordCount"] == 3
    await desk.ok("publishPost", id=live["id"], expectedVersion=staged["version"])
    assert (await gql.data(READ, slug=live["slug"]))["post"]["wordCount"] == 21

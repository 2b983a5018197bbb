"""The bench's synthetic data: the same seed gives the same rows, and the rows hang together."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import pytest

from benchmarks import operations, words
from benchmarks.generate import COLUMNS, COPENHAGEN, TABLES, Dataset
from benchmarks.sizes import SIZES
from graph.content import render_markdown
from graph.danish import sort_key, stems
from graph.search import syntax

TINY = SIZES["tiny"]
# Ordered pairs of the PHRASE_WORDS most frequent content words.
PHRASE_PAIRS = operations.PHRASE_WORDS * (operations.PHRASE_WORDS - 1)


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict[str, Any]]]:
    """Every table of the tiny size, rows as dicts."""
    dataset = Dataset(TINY)
    return {
        table: [dict(zip(COLUMNS[table], row, strict=True)) for row in dataset.rows(table)]
        for table in TABLES
    }


def fingerprint(dataset: Dataset) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        for row in dataset.rows(table):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_rows() -> None:
    assert fingerprint(Dataset(TINY)) == fingerprint(Dataset(TINY))


def test_another_seed_gives_other_rows() -> None:
    assert fingerprint(Dataset(TINY, seed=1)) != fingerprint(Dataset(TINY, seed=2))


def test_sizes_hold_what_they_promise(tables: dict[str, list[dict[str, Any]]]) -> None:
    assert len(tables["post"]) == TINY.posts
    assert len(tables["relay"]) == TINY.relays
    assert len(tables["author"]) == TINY.authors
    assert len(tables["organization"]) == TINY.organizations


def test_legs_count_from_one_in_publication_order(tables: dict[str, list[dict[str, Any]]]) -> None:
    by_relay: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for post in tables["post"]:
        by_relay[post["relay_id"]].append(post)
    assert set(by_relay) == {relay["id"] for relay in tables["relay"]}  # no empty relay
    for posts in by_relay.values():
        in_time = sorted(posts, key=lambda post: (post["published_at"], post["id"]))
        assert [post["leg"] for post in in_time] == list(range(1, len(posts) + 1))


def test_relay_dates_follow_their_posts(tables: dict[str, list[dict[str, Any]]]) -> None:
    for relay in tables["relay"]:
        times = [post["published_at"] for post in tables["post"] if post["relay_id"] == relay["id"]]
        assert relay["started_on"] == min(times).astimezone(COPENHAGEN).date()
        if relay["status"] == "ended":
            assert relay["ended_on"] == max(times).astimezone(COPENHAGEN).date()
        else:
            assert relay["ended_on"] is None


@pytest.mark.parametrize("table", ["post", "relay", "author", "organization", "category"])
def test_slugs_are_unique(tables: dict[str, list[dict[str, Any]]], table: str) -> None:
    slugs = [row["slug"] for row in tables[table]]
    assert len(set(slugs)) == len(slugs)


def test_every_post_is_published_with_a_byline(tables: dict[str, list[dict[str, Any]]]) -> None:
    bylined = {byline["post_id"] for byline in tables["byline"]}
    assert all(post["status"] == "published" for post in tables["post"])
    assert bylined == {post["id"] for post in tables["post"]}


def test_bylines_point_at_rows_that_exist(tables: dict[str, list[dict[str, Any]]]) -> None:
    authors = {author["id"] for author in tables["author"]}
    organizations = {organization["id"] for organization in tables["organization"]}
    seen = set()
    for byline in tables["byline"]:
        assert byline["author_id"] in authors
        assert byline["organization_id"] in organizations | {None}
        assert (byline["post_id"], byline["author_id"]) not in seen  # one byline per author
        seen.add((byline["post_id"], byline["author_id"]))


def test_sort_keys_are_the_apps_own(tables: dict[str, list[dict[str, Any]]]) -> None:
    for table in ("author", "organization", "category"):
        assert all(row["sort_key"] == sort_key(row["name"]) for row in tables[table])


def test_html_is_what_render_markdown_makes(tables: dict[str, list[dict[str, Any]]]) -> None:
    for post in tables["post"]:
        assert post["html"] == render_markdown(post["body"]), post["slug"]


def test_search_has_a_common_word_and_a_rare_one() -> None:
    dataset = Dataset(TINY)
    # The rare word is known once the posts have been made.
    bodies = [stems(row[COLUMNS["post"].index("body")]) for row in dataset.rows("post")]
    common = stems(words.common_word())[0]
    with_common = sum(common in body for body in bodies)
    assert dataset.rare_word is not None
    rare = stems(dataset.rare_word)[0]
    with_rare = sum(rare in body for body in bodies)
    assert with_common > len(bodies) / 5
    assert 1 <= with_rare <= 3


def test_the_phrase_candidates_are_pairs_search_reads_as_one_phrase() -> None:
    candidates = operations.phrases()
    assert len(candidates) == len(set(candidates)) == PHRASE_PAIRS
    first = syntax.parse(candidates[0])
    assert len(first.clauses) == 1 and len(first.clauses[0][0].lexemes) == 2
    # The two most frequent words of five letters or more come first, in rank order.
    assert candidates[0] == '"mellem ledelse"'

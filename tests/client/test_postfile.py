"""The post file format: what a file means, what is refused, and writing it back."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from graph.client.postfile import COPENHAGEN, Byline, PostFileError, parse_post, render_post

FILE = """---
title: Politi med blød hat
slug: politi-med-bloed-hat
relay: lederskabs-stafetten
category: ledelse
bylines:
- anne
- author: bo
  role: Direktør
  organization: kl
teaser: Skrevet teaser.
publish: true
publishedAt: '2013-05-14T00:00:00+02:00'
---

Første afsnit.

Andet afsnit.
"""


def test_a_file_reads_into_a_post() -> None:
    post = parse_post(FILE)

    assert (post.title, post.slug, post.relay, post.category) == (
        "Politi med blød hat",
        "politi-med-bloed-hat",
        "lederskabs-stafetten",
        "ledelse",
    )
    assert post.bylines == (Byline("anne"), Byline("bo", "Direktør", "kl"))
    assert post.body == "Første afsnit.\n\nAndet afsnit."
    assert post.published_at == dt.datetime(2013, 5, 13, 22, tzinfo=dt.UTC)


def test_a_post_writes_back_to_the_same_text() -> None:
    assert render_post(parse_post(FILE)) == FILE


def test_without_a_slug_the_title_makes_one() -> None:
    post = parse_post("---\ntitle: Æbler og pærer\n---\n")

    assert (post.slug, post.slug_derived, post.body) == ("aebler-og-paerer", True, "")


def test_times_without_an_offset_are_copenhagen_time() -> None:
    post = parse_post("---\ntitle: T\npublishAt: 2030-01-02 09:00\n---\nTekst")

    assert post.publish_at == dt.datetime(2030, 1, 2, 9, tzinfo=COPENHAGEN)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("slug: x", "front matter needs 'title'"),
        ("title: T\npublised: true", "unknown front matter key 'publised'"),
        ("title: 1864", "'title' must be text (quote it): got 1864"),
        ("title: T\npublish: ja", "'publish' must be true or false: got 'ja'"),
        ("title: T\npublishAt: snart", "'publishAt' is not an ISO 8601 time: 'snart'"),
        ("title: T\nbylines:\n- role: x", "byline 1: give an author slug, or a mapping"),
        ("title: T\npublish: true\npublishAt: 2030-01-01", "give 'publish' or 'publishAt'"),
        ("title: T\npublishedAt: 2020-01-01", "'publishedAt' back-dates a publication"),
        ("title: [T", "front matter is not valid YAML: line 2: expected ',' or ']'"),
    ],
)
def test_a_broken_front_matter_says_what_is_wrong(front: str, message: str) -> None:
    with pytest.raises(PostFileError, match="^" + re.escape(message)):
        parse_post(f"---\n{front}\n---\nTekst")


def test_a_file_without_front_matter_is_refused() -> None:
    with pytest.raises(PostFileError, match="does not start with a '---' front matter line"):
        parse_post("Bare tekst.")

"""The peer's answer against ours: what means the same is read alike, anything else stops the
run with the place it differs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from benchmarks.peer.answers import PeerDiffers, check
from benchmarks.peer.documents import PEER_DOCUMENTS


def byline(slug: str) -> dict[str, Any]:
    return {"role": "lektor", "author": {"slug": slug, "name": slug.title()}}


def ours() -> dict[str, Any]:
    """A RelayPage answer as our API gives it."""
    return {
        "data": {
            "relay": {
                "id": "UmVsYXk6MQ==",
                "slug": "r",
                "status": "ENDED",
                "contributors": {"totalCount": 1, "edges": [{"node": {"slug": "a"}}]},
                "posts": {
                    "totalCount": 2,
                    "pageInfo": {"hasNextPage": False, "endCursor": "ours-2"},
                    "edges": [
                        {
                            "cursor": "ours-1",
                            "node": {
                                "slug": "new",
                                "publishedAt": "2024-07-27T23:25:00+02:00",
                                "bylines": [byline("a"), byline("b")],
                            },
                        },
                        {
                            "cursor": "ours-2",
                            "node": {
                                "slug": "old",
                                "publishedAt": "2024-01-02T08:00:00+01:00",
                                "bylines": [byline("a")],
                            },
                        },
                    ],
                },
            }
        }
    }


def theirs() -> dict[str, Any]:
    """The same answer as PostGraphile gives it: UTC times, lower-case text, `{ nodes }`
    around lists, its own ids and cursors, no contributors."""
    answer = copy.deepcopy(ours())
    relay = answer["data"]["relay"]
    del relay["contributors"]
    relay.update(id="WyJSZWxheSIsMV0=", status="ended")
    relay["posts"]["pageInfo"]["endCursor"] = "WyJ0aGVpcnMiXQ=="
    times = ["2024-07-27T21:25:00.000000+00:00", "2024-01-02T07:00:00.000000+00:00"]
    for edge, at in zip(relay["posts"]["edges"], times, strict=True):
        edge["cursor"] = "theirs"
        edge["node"]["publishedAt"] = at
        edge["node"]["bylines"] = {"nodes": edge["node"]["bylines"]}
    return answer


RELAY_PAGE = PEER_DOCUMENTS["RelayPage"]


def test_the_same_answer_written_the_peers_way_passes() -> None:
    check(RELAY_PAGE, "RelayPage", ours(), theirs())


def test_posts_in_another_order_are_named_with_their_place() -> None:
    swapped = theirs()
    edges = swapped["data"]["relay"]["posts"]["edges"]
    edges.reverse()
    with pytest.raises(PeerDiffers, match=r"RelayPage: relay\.posts\.edges\[0\]\.node\.slug"):
        check(RELAY_PAGE, "RelayPage", ours(), swapped)


def test_another_instant_is_a_difference() -> None:
    later = theirs()
    later["data"]["relay"]["posts"]["edges"][1]["node"]["publishedAt"] = (
        "2024-01-02T08:00:00.000000+00:00"
    )
    with pytest.raises(PeerDiffers, match=r"edges\[1\]\.node\.publishedAt"):
        check(RELAY_PAGE, "RelayPage", ours(), later)


def test_a_missing_byline_is_a_difference() -> None:
    fewer = theirs()
    fewer["data"]["relay"]["posts"]["edges"][0]["node"]["bylines"]["nodes"].pop()
    with pytest.raises(PeerDiffers, match="bylines: ours has 2 items, PostGraphile 1"):
        check(RELAY_PAGE, "RelayPage", ours(), fewer)


def test_a_field_the_peer_does_not_leave_out_must_be_there() -> None:
    without = theirs()
    del without["data"]["relay"]["posts"]["totalCount"]
    with pytest.raises(PeerDiffers, match=r"totalCount: .*PostGraphile has no such field"):
        check(RELAY_PAGE, "RelayPage", ours(), without)


def test_lower_case_is_read_as_our_enum_only_for_enums() -> None:
    renamed = theirs()
    renamed["data"]["relay"]["slug"] = "R"
    with pytest.raises(PeerDiffers, match=r"relay\.slug"):
        check(RELAY_PAGE, "RelayPage", ours(), renamed)


def test_an_author_page_reads_each_post_through_its_byline() -> None:
    post = {"slug": "new", "relay": {"slug": "r"}}
    mine = {"data": {"author": {"slug": "a", "posts": {"edges": [{"node": post}]}}}}
    peer = {"data": {"author": {"slug": "a", "posts": {"edges": [{"node": {"post": post}}]}}}}
    check(PEER_DOCUMENTS["AuthorPage"], "AuthorPage", mine, peer)

"""The Cache-Tag header: every tag while it fits, coarser tags when it would not."""

from __future__ import annotations

from graph.cache.tags import header_value


def test_short_lists_are_given_as_they_are() -> None:
    tags = {"Post:1", "posts:relay:2", "Relay:2"}
    assert header_value(tags, ",", 2000) == "Post:1,Relay:2,posts:relay:2"


def test_long_lists_give_way_to_the_list_tags_of_their_kinds() -> None:
    tags = {f"Author:{pk}" for pk in range(500)} | {"Post:1", "posts:relay:2", "Relay:2"}
    assert header_value(tags, ",", 2000) == "authors,posts,posts:relay:2,relays"


def test_very_long_lists_keep_only_the_lists() -> None:
    tags = {f"posts:relay:{pk}" for pk in range(500)} | {"Author:1"}
    assert header_value(tags, " ", 200) == "authors posts"

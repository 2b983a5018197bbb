"""A page's cut: a page of `first` rows fetches one more, which only says more follow.

Written once for every list (posts, authors, relays …) and both executors: the read layer's
statements and the SQL compiler's subqueries fetch `rows_to_fetch(first)`, and a page is then
made of the first `first` of them.
"""

from __future__ import annotations

from collections.abc import Sized


def rows_to_fetch(first: int) -> int:
    """How many rows a page of `first` fetches."""
    return first + 1


def more_follow(rows: Sized, first: int) -> bool:
    """Whether fetched rows say that more follow the page's `first`."""
    return len(rows) > first

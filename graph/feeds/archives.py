"""Archived feeds (RFC 5005 §4): which posts each feed document holds, and its links.

A feed's plain URL (`/feeds/relays/x.atom`) is the *subscription document*: the newest
FEED_ITEMS published posts, and a `prev-archive` link when there are older ones. Everything
older sits in *archive documents* at `?archive=N`, FEED_ITEMS posts each, numbered from the
OLDEST post: page 1 holds the oldest FEED_ITEMS, page 2 the next … up to the posts just
older than the subscription document's. Each archive page is marked `fh:archive` and links
to the subscription document (`current`) and to its neighbours (`prev-archive` older,
`next-archive` newer). Following `prev-archive` from the subscription document visits every
published post once.

Why from the oldest: RFC 5005 asks that an archive document keep its entries and its URL.
A publish adds at the newest end, so a full archive page keeps its posts, its bytes and its
ETag for good; numbered from the newest, every page would shift on every publish. Only the
newest archive page changes as posts arrive: it fills from one post to FEED_ITEMS with the
posts that drop out of the subscription document. A reader that polls the subscription
document saw those there, so a reader that stops at the first archive document it has
already seen (as RFC 5005 §4.2 lets it) misses nothing. The data can still move pages: a
post unpublished, archived or published back-dated shifts every newer page by one (those
writes drop the cached pages, as a publish does).

Reads: the subscription document is one SELECT of its posts with a COUNT of the subject's
published posts (to name the newest archive page); an archive page one SELECT of at most
FEED_ITEMS + 1 rows, whose OFFSET is bounded by the same count (see `queries.archive_posts`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# The query parameter naming an archive page.
PARAMETER = "archive"
# A page number in a URL (an archive page, a sitemap file): at most nine digits, so a
# request cannot make us parse or multiply a huge number.
PAGE_DIGITS = 9
PAGE = re.compile(rf"[1-9][0-9]{{0,{PAGE_DIGITS - 1}}}")
LARGEST_PAGE = 10**PAGE_DIGITS - 1


@dataclass(frozen=True)
class Paging:
    """Where one feed document sits in its archived feed: its RFC 5005 links (absolute
    URLs), and whether it is an archive document rather than the subscription one."""

    current: str
    prev_archive: str | None = None
    next_archive: str | None = None
    archived: bool = False


def archive_pages(total: int, per_page: int) -> int:
    """How many archive pages a feed of `total` published posts has."""
    return math.ceil(max(0, total - per_page) / per_page)


def archive_url(subscription_url: str, page: int) -> str:
    """The URL of archive page `page` of the feed at `subscription_url`."""
    return f"{subscription_url}?{PARAMETER}={page}"


def subscription_paging(subscription_url: str, total: int, per_page: int) -> Paging:
    """The subscription document's links: to the newest archive page, if there is one."""
    pages = archive_pages(total, per_page)
    newest = archive_url(subscription_url, pages) if pages else None
    return Paging(current=subscription_url, prev_archive=newest)


def archive_paging(subscription_url: str, page: int, newer: bool) -> Paging:
    """Archive page `page`'s links; `newer` says whether a newer archive page exists."""
    return Paging(
        current=subscription_url,
        prev_archive=archive_url(subscription_url, page - 1) if page > 1 else None,
        next_archive=archive_url(subscription_url, page + 1) if newer else None,
        archived=True,
    )

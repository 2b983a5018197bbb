"""What one computed feed document or sitemap file may cost, known before it is built.

A price is the worst case the write rules allow, in the units budgets count: one per object
the document shows (as a GraphQL answer's cost counts them) plus one per KiB it can weigh.
The byte bounds add, for every text a document carries, its longest length (from the
checks in graph/editing) times the most bytes one character can take once written:
ESCAPED_BYTES_PER_CHAR. Markup (element names, indentation, dates) is a declared allowance
per document head and per entry; tests/feeds/test_prices.py renders documents at every
bound, in every format, and checks they stay under these numbers.
"""

from __future__ import annotations

import math

from graph.content import max_html_bytes
from graph.danish import SLUG_MAX_LENGTH
from graph.editing import people, relays
from graph.editing import posts as post_rules
from graph.feeds import sitemaps
from graph.feeds.archives import LARGEST_PAGE, archive_url
from graph.settings import Settings

# A character written into a feed takes at most 6 bytes: `"` in an XML attribute becomes
# `&quot;`; `&` becomes `&amp;` (5), `\r` `&#13;` (5), `<` `&lt;` (4); in JSON an escape
# is 2 bytes; any other character is its UTF-8, at most 4 bytes. (Characters JSON would
# write as 6-byte `\u0001` escapes never get there: `model.clean` drops them.)
ESCAPED_BYTES_PER_CHAR = 6
# What a feed entry shows besides its post: its relay and category, and each byline with
# its author (the worst case of the GraphQL query that reads the same).
OBJECTS_PER_ENTRY = 3 + 2 * post_rules.MAX_BYLINES
# Markup, indentation and dates of one entry with MAX_BYLINES authors in the widest format
# (Atom: 1,227 bytes with one-character texts), and of a document's head with every archive
# link (RSS: 756 bytes); with room to spare.
ENTRY_MARKUP_BYTES = 2_500
HEAD_MARKUP_BYTES = 1_000
# The fixed words around a name in a feed's description ("Indlæg af skribenter fra …").
DESCRIPTION_WORDS = 40
LONGEST_SLUG = "a" * SLUG_MAX_LENGTH
KIB = 1024


def feed_price(settings: Settings) -> int:
    """The cost units of one computed feed document (subscription or archive page)."""
    objects = settings.feed_items * OBJECTS_PER_ENTRY
    return objects + math.ceil(feed_bytes(settings) / KIB)


def sitemap_price(settings: Settings) -> int:
    """The cost units of one computed sitemap file: one per URL it may list, and its KiB."""
    urls = sitemaps.urls_per_sitemap(settings)
    return urls + math.ceil(sitemaps.sitemap_bytes(settings, urls) / KIB)


def sitemap_index_price(settings: Settings) -> int:
    """The cost units of a computed sitemap index: one per file it may list, and its KiB."""
    files = sitemaps.sitemaps_per_index(settings)
    return files + math.ceil(sitemaps.index_bytes(settings, files) / KIB)


def largest_html_bytes(settings: Settings) -> int:
    """The most bytes a post's sanitised HTML can take escaped in a feed (a write rule)."""
    return max_html_bytes(settings.max_body_chars)


def feed_bytes(settings: Settings) -> int:
    """The most bytes one feed document can have, in any format."""
    return head_bytes(settings) + settings.feed_items * entry_bytes(settings)


def entry_bytes(settings: Settings) -> int:
    """The most bytes one entry can take: its texts at their longest, escaped, and markup."""
    names = post_rules.MAX_BYLINES * max(people.MAX_NAME, relays.MAX_TITLE)
    chars = (
        post_rules.MAX_TITLE
        + post_rules.MAX_TEASER
        + names
        + relays.MAX_NAME  # the category
        + len(settings.post_url(LONGEST_SLUG, LONGEST_SLUG))
        + len(settings.public_url)
        + len("tag:,2026:post:")
        + 20  # the id: a tag URI
    )
    # The HTML's bound is for its bytes once escaped (`graph.content.html_bytes`).
    html = largest_html_bytes(settings)
    return ENTRY_MARKUP_BYTES + ESCAPED_BYTES_PER_CHAR * chars + html


def head_bytes(settings: Settings) -> int:
    """The most bytes a feed document's head can take (title, description, links)."""
    title = max(relays.MAX_TITLE, relays.MAX_NAME, people.MAX_NAME)
    description = max(relays.MAX_INTRO, people.MAX_BIO, title + DESCRIPTION_WORDS)
    # id, self, current, prev-archive and next-archive; and the site's front page.
    urls = 5 * len(longest_feed_url(settings)) + len(settings.post_url_template)
    return HEAD_MARKUP_BYTES + ESCAPED_BYTES_PER_CHAR * (title + description + urls)


def longest_feed_url(settings: Settings) -> str:
    """The longest URL a feed document can have (an archive page of a subject's feed)."""
    subscription = f"/feeds/organizations/{LONGEST_SLUG}.atom"
    return archive_url(settings.public_url.rstrip("/") + subscription, LARGEST_PAGE)

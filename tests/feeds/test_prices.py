"""Prices and size limits hold at the worst case the write rules allow: a feed document or a
sitemap file built at every bound stays within the bytes its price and its split assume."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from graph.content import html_bytes
from graph.danish import SLUG_MAX_LENGTH
from graph.editing import people, relays
from graph.editing import posts as post_rules
from graph.feeds import formats, prices, sitemaps
from graph.feeds.archives import LARGEST_PAGE, Paging
from graph.feeds.model import Feed, Format, Item
from graph.settings import Settings

SLUG = "a" * SLUG_MAX_LENGTH
# Quotes and ampersands in the template: escaped in XML attributes and text alike.
TEMPLATE = 'https://example.dk/{relay}/{post}?a="&b=<>'
MOMENT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def worst_item(settings: Settings) -> Item:
    """An entry with every text at its longest, of the characters that grow most when
    written: `&` in text (`&amp;`), `"` in what Atom puts in attributes (`&quot;`)."""
    return Item(
        id=f"tag:{settings.public_url},2026:post:{'9' * 20}",
        url=settings.post_url(SLUG, SLUG),
        title="&" * post_rules.MAX_TITLE,
        summary="&" * post_rules.MAX_TEASER,
        content_html=largest_html(settings),
        published=MOMENT,
        updated=MOMENT,
        authors=("&" * people.MAX_NAME,) * post_rules.MAX_BYLINES,
        relay_title="&" * relays.MAX_TITLE,
        category='"' * relays.MAX_NAME,
    )


def largest_html(settings: Settings) -> str:
    """The most HTML the write rule allows, of the character XML escapes the most (`&amp;`)."""
    html = "&" * (prices.largest_html_bytes(settings) // 5)
    assert html_bytes(html) <= prices.largest_html_bytes(settings) < html_bytes(html + "&&")
    return html


def worst_feed(settings: Settings) -> Feed:
    """An archive page with every link, of FEED_ITEMS worst entries."""
    url = prices.longest_feed_url(settings)
    return Feed(
        title="&" * relays.MAX_TITLE,
        description="&" * relays.MAX_INTRO,
        self_url=url,
        home_url=settings.post_url_template,
        updated=MOMENT,
        items=(worst_item(settings),) * settings.feed_items,
        paging=Paging(current=url, prev_archive=url, next_archive=url, archived=True),
    )


@pytest.mark.parametrize("format", list(Format))
def test_a_feed_document_at_every_bound_stays_within_its_priced_bytes(format: Format) -> None:
    settings = Settings(feed_items=3, max_body_chars=5_000, post_url_template=TEMPLATE)
    size = len(formats.render(worst_feed(settings), format))
    assert size <= prices.feed_bytes(settings)
    if format is Format.ATOM:
        # The widest format comes close: most text escapes to 5 bytes a character at most
        # (`&amp;`), where the bound counts 6 (`&quot;`, in attributes).
        assert size > 0.75 * prices.feed_bytes(settings)


def test_a_feed_price_is_its_objects_and_its_kib() -> None:
    settings = Settings(feed_items=7)
    objects = 7 * (3 + 2 * post_rules.MAX_BYLINES)
    assert prices.feed_price(settings) == objects + math.ceil(prices.feed_bytes(settings) / 1024)
    assert prices.feed_price(Settings(feed_items=14)) > prices.feed_price(settings)


def test_urls_per_sitemap_stop_at_50000_for_ordinary_urls() -> None:
    assert sitemaps.urls_per_sitemap(Settings()) == 50_000


def test_a_long_post_url_template_makes_fewer_urls_per_file_under_50_mb() -> None:
    settings = Settings(post_url_template="https://example.dk/" + "&" * 1_970 + "/{relay}/{post}")
    assert len(settings.post_url_template) > 2_000
    per_file = sitemaps.urls_per_sitemap(settings)
    assert per_file < 10_000  # each `&` is written `&amp;`
    longest = sitemaps.entry("url", settings.post_url(SLUG, SLUG), MOMENT)
    assert len(sitemaps.document("urlset", [longest] * per_file)) <= sitemaps.MAX_SITEMAP_BYTES
    assert len(sitemaps.document("urlset", [longest] * (per_file + 1))) > sitemaps.MAX_SITEMAP_BYTES
    assert sitemaps.sitemap_bytes(settings, per_file) <= sitemaps.MAX_SITEMAP_BYTES
    assert prices.sitemap_price(settings) == per_file + math.ceil(
        sitemaps.sitemap_bytes(settings, per_file) / 1024
    )


def test_a_long_public_url_makes_fewer_sitemaps_per_index_under_50_mb() -> None:
    settings = Settings(public_url="https://example.dk/" + "x" * 2_000)
    per_index = sitemaps.sitemaps_per_index(settings)
    assert per_index < 50_000
    location = settings.public_url + sitemaps.relay_sitemap_path(SLUG, LARGEST_PAGE)
    longest = sitemaps.entry("sitemap", location, MOMENT)
    assert len(sitemaps.document("sitemapindex", [longest] * per_index)) <= (
        sitemaps.MAX_SITEMAP_BYTES
    )
    assert sitemaps.index_bytes(settings, per_index) <= sitemaps.MAX_SITEMAP_BYTES

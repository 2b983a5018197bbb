"""A Feed written as Atom 1.0, RSS 2.0 or JSON Feed 1.1, as bytes (UTF-8).

Atom and RSS come from feedgen, which builds the XML with lxml (escaping, namespaces, RFC
3339 and RFC 822 dates); JSON Feed is a plain document through orjson. Every value comes
from the Feed, never from the clock, so the same content gives the same bytes (and ETag).
"""

from __future__ import annotations

from typing import Any

import orjson
from feedgen.feed import FeedGenerator

from graph.feeds.model import Feed, Format, Item

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LANGUAGE = "da"
GENERATOR = "graph"


def render(feed: Feed, format: Format) -> bytes:
    """The feed in one format."""
    if format is Format.JSON:
        return json_feed(feed)
    generator = _generator(feed, format)
    if format is Format.ATOM:
        return bytes(generator.atom_str(pretty=True))
    return bytes(generator.rss_str(pretty=True))


def _generator(feed: Feed, format: Format) -> FeedGenerator:
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.id(feed.self_url)
    generator.title(feed.title)
    generator.updated(feed.updated)  # also RSS lastBuildDate, which defaults to now
    generator.link(href=feed.self_url, rel="self", type=format.media_type.split(";")[0])
    # Last: RSS's one channel <link> is feedgen's last link, and it must be the site.
    generator.link(href=feed.home_url, rel="alternate")
    generator.description(feed.description)  # RSS description, Atom subtitle
    generator.language(LANGUAGE)
    generator.generator(GENERATOR)
    for item in feed.items:
        _entry(generator, item)
    return generator


def _entry(generator: FeedGenerator, item: Item) -> None:
    # feedgen puts new entries first unless told otherwise; items are newest first already.
    entry = generator.add_entry(order="append")
    entry.id(item.id)  # Atom id, and RSS guid with isPermaLink="false"
    entry.title(item.title)
    entry.link(href=item.url, rel="alternate")
    entry.published(item.published)
    entry.updated(item.updated)
    if item.summary:
        entry.summary(item.summary)  # Atom summary, RSS description
    entry.content(item.content_html, type="html")  # Atom content, RSS content:encoded
    # RFC 4287 §4.1.1: every Atom entry needs an author unless the feed has one; a post
    # without bylines is signed by its relay. RSS's <author> must be an e-mail address,
    # which we never publish, so RSS names authors with dc:creator.
    for name in item.authors or (item.relay_title,):
        entry.author(name=name)
        entry.dc.dc_creator(name)
    if item.category is not None:
        entry.category(term=item.category)


def json_feed(feed: Feed) -> bytes:
    """The feed as JSON Feed 1.1."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "description": feed.description,
        "language": LANGUAGE,
        "items": [_json_item(item) for item in feed.items],
    }
    return orjson.dumps(document)


def _json_item(item: Item) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
    }
    if item.summary:
        document["summary"] = item.summary
    if item.authors:
        document["authors"] = [{"name": name} for name in item.authors]
    if item.category is not None:
        document["tags"] = [item.category]
    return document

"""A Feed written as Atom 1.0, RSS 2.0 or JSON Feed 1.1, as bytes (UTF-8).

Atom and RSS come from feedgen, which builds the XML with lxml (escaping, namespaces, RFC
3339 and RFC 822 dates); JSON Feed is a plain document through orjson. Every value comes
from the Feed, never from the clock, so the same content gives the same bytes (and ETag).

Archive links (RFC 5005): Atom carries them as its own `link` elements; RSS 2.0 as
`atom:link` elements (RFC 5005 appendix B), which feedgen writes only for `self`, so
`History` adds them, and `fh:archive` in both. JSON Feed 1.1 has no archives: its
`next_url` points to the next older document, and `feed_url` names the feed (the
subscription document) on every page.
"""

from __future__ import annotations

from typing import Any

import orjson
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from graph.feeds.archives import Paging
from graph.feeds.model import Feed, Format, Item

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LANGUAGE = "da"
GENERATOR = "graph"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
HISTORY_NAMESPACE = "http://purl.org/syndication/history/1.0"


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
    generator.register_extension("fh", lambda: History(feed.paging), atom=True, rss=True)
    # One feed across its archive pages: the subscription document's URL names it.
    generator.id(feed.paging.current)
    generator.title(feed.title)
    generator.updated(feed.updated)  # also RSS lastBuildDate, which defaults to now
    generator.link(href=feed.self_url, rel="self", type=format.media_type.split(";")[0])
    for rel, href in archive_links(feed.paging):
        generator.link(href=href, rel=rel)  # Atom writes these; RSS gets them from History
    # Last: RSS's one channel <link> is feedgen's last link, and it must be the site.
    generator.link(href=feed.home_url, rel="alternate")
    generator.description(feed.description)  # RSS description, Atom subtitle
    generator.language(LANGUAGE)
    generator.generator(GENERATOR)
    for item in feed.items:
        _entry(generator, item)
    return generator


def archive_links(paging: Paging) -> list[tuple[str, str]]:
    """(rel, href) of a document's RFC 5005 links: `current` on archive documents only."""
    links = [
        ("current", paging.current if paging.archived else None),
        ("prev-archive", paging.prev_archive),
        ("next-archive", paging.next_archive),
    ]
    return [(rel, href) for rel, href in links if href is not None]


class History(BaseExtension):  # type: ignore[misc]  # feedgen ships no type hints
    """feedgen extension for RFC 5005: `fh:archive` in archive documents, and in RSS the
    archive links as `atom:link` elements."""

    def __init__(self, paging: Paging) -> None:
        self.paging = paging

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NAMESPACE} if self.paging.archived else {}

    def extend_atom(self, feed: Any) -> Any:
        self._mark(feed)
        return feed

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        for rel, href in archive_links(self.paging):
            etree.SubElement(channel, f"{{{ATOM_NAMESPACE}}}link", href=href, rel=rel)
        self._mark(channel)
        return feed

    def _mark(self, parent: Any) -> None:
        if self.paging.archived:
            etree.SubElement(parent, f"{{{HISTORY_NAMESPACE}}}archive")


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
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.paging.current,
        "description": feed.description,
        "language": LANGUAGE,
    }
    if feed.paging.prev_archive is not None:
        document["next_url"] = feed.paging.prev_archive  # JSON Feed pages run newest first
    document["items"] = [_json_item(item) for item in feed.items]
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

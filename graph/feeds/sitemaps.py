"""Sitemaps (sitemaps.org 0.9): an index of relay sitemaps, each listing its posts' pages.

The protocol allows 50,000 URLs per sitemap file and 50,000 sitemaps per index. A relay
with more published posts gets more files (`/sitemaps/relays/{slug}.xml`, then `?page=2` …);
each file is one bounded SELECT, and the index one more.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from xml.sax.saxutils import escape

from graph.cache import tags
from graph.feeds import queries
from graph.read import sql
from graph.read.posts import Scope
from graph.settings import Settings

log = logging.getLogger(__name__)

# The protocol's limits (tests lower them to see files split).
MAX_URLS_PER_SITEMAP = 50_000
MAX_SITEMAPS = 50_000

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
MEDIA_TYPE = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Sitemap:
    """One sitemap file as XML, and how many URLs (or sitemaps) it lists."""

    xml: bytes
    entries: int


def relay_sitemap_path(slug: str, page: int) -> str:
    """Where a relay's sitemap file is served: page 1 plain, later pages `?page=N`."""
    path = f"/sitemaps/relays/{slug}.xml"
    return path if page == 1 else f"{path}?page={page}"


async def index(settings: Settings) -> Sitemap | None:
    """The sitemap index: one entry per relay sitemap file; None while no post is published
    (an index must list at least one sitemap)."""
    tags.add(tags.POSTS, tags.RELAYS)
    files = await queries.sitemap_files(MAX_URLS_PER_SITEMAP, MAX_SITEMAPS + 1)
    if len(files) > MAX_SITEMAPS:
        log.warning("sitemap index: over %s sitemap files; the rest left out", MAX_SITEMAPS)
        files = files[:MAX_SITEMAPS]
    if not files:
        return None
    base = settings.public_url.rstrip("/")
    entries = [
        _entry("sitemap", base + relay_sitemap_path(row["slug"], row["page"]), row["lastmod"])
        for row in files
    ]
    return Sitemap(_document("sitemapindex", entries), len(entries))


async def relay_sitemap(settings: Settings, slug: str, page: int) -> Sitemap | None:
    """One file of a relay's sitemap; None for an unknown relay, or a page past its posts."""
    relay = await queries.subject_by_slug(Scope.RELAY, slug)
    if relay is None or page < 1:
        return None
    relay_id = relay["id"]
    tags.add(tags.entity("Relay", relay_id), tags.relay_posts(relay_id))
    posts = await queries.sitemap_posts(relay_id, page, MAX_URLS_PER_SITEMAP)
    if not posts:
        return None  # a sitemap must list at least one URL
    entries = [
        _entry("url", settings.post_url(slug, post["slug"]), post["updated_at"]) for post in posts
    ]
    return Sitemap(_document("urlset", entries), len(entries))


def _entry(element: str, location: str, lastmod: object) -> str:
    moment = sql.to_datetime(lastmod)
    assert moment is not None
    stamp = moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    return f"<{element}><loc>{escape(location)}</loc><lastmod>{stamp}</lastmod></{element}>"


def _document(root: str, entries: list[str]) -> bytes:
    body = "\n".join(entries)
    return f'{HEAD}<{root} xmlns="{NAMESPACE}">\n{body}\n</{root}>\n'.encode()

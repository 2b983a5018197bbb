"""Sitemaps (sitemaps.org 0.9): an index of relay sitemaps, each listing its posts' pages.

The protocol allows a sitemap file 50,000 URLs and 50 MB (uncompressed), and an index
50,000 sitemaps and 50 MB. How many URLs a file may hold is derived from both: the byte
limit divided by the longest entry a file can have (POST_URL_TEMPLATE with the longest
slugs, escaped, in `<url><loc>…</loc><lastmod>…</lastmod></url>`), so a file stays under
50 MB whatever the slugs; the same for the index's entries. A relay with more published
posts gets more files (`/sitemaps/relays/{slug}.xml`, then `?page=2` …); each file is one
bounded SELECT, and the index one more.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from xml.sax.saxutils import escape

from graph.cache import tags
from graph.danish import SLUG_MAX_LENGTH
from graph.feeds import queries
from graph.feeds.archives import LARGEST_PAGE
from graph.read import sql
from graph.read.posts import Scope
from graph.settings import Settings

log = logging.getLogger(__name__)

# The protocol's limits, per file: URLs in a sitemap, sitemaps in an index, and bytes in
# either (uncompressed). Fixed by sitemaps.org, so not settings; tests lower them to see
# files split.
MAX_URLS_PER_SITEMAP = 50_000
MAX_SITEMAPS = 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
MEDIA_TYPE = "application/xml; charset=utf-8"
# sitemaps.org asks for all five XML entities, quotes included.
QUOTES = {'"': "&quot;", "'": "&apos;"}
# The latest lastmod a file can carry: every stamp has this length (`_stamp`).
LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
LONGEST_SLUG = "a" * SLUG_MAX_LENGTH


@dataclass(frozen=True)
class Sitemap:
    """One sitemap file as XML, and how many URLs (or sitemaps) it lists."""

    xml: bytes
    entries: int


def relay_sitemap_path(slug: str, page: int) -> str:
    """Where a relay's sitemap file is served: page 1 plain, later pages `?page=N`."""
    path = f"/sitemaps/relays/{slug}.xml"
    return path if page == 1 else f"{path}?page={page}"


def urls_per_sitemap(settings: Settings) -> int:
    """How many URLs a sitemap file lists: the protocol's count, or fewer if the longest
    entries would pass its byte limit first."""
    return _per_file(MAX_URLS_PER_SITEMAP, "urlset", _longest_url_entry(settings))


def sitemaps_per_index(settings: Settings) -> int:
    """How many sitemap files the index lists, by the same two limits."""
    return _per_file(MAX_SITEMAPS, "sitemapindex", _longest_index_entry(settings))


def sitemap_bytes(settings: Settings, urls: int) -> int:
    """The most bytes a sitemap file of `urls` URLs can have."""
    return len(document("urlset", [])) + urls * _longest_url_entry(settings)


def index_bytes(settings: Settings, files: int) -> int:
    """The most bytes a sitemap index of `files` entries can have."""
    return len(document("sitemapindex", [])) + files * _longest_index_entry(settings)


def _per_file(max_entries: int, root: str, entry_bytes: int) -> int:
    room = MAX_SITEMAP_BYTES - len(document(root, []))
    # At least one: only a template of some 8 MB could make one entry pass 50 MB.
    return max(1, min(max_entries, room // entry_bytes))


def _longest_url_entry(settings: Settings) -> int:
    """The bytes of the longest `<url>` entry: slugs are ASCII and never escaped, so the
    longest ones make the longest location."""
    return _entry_bytes("url", settings.post_url(LONGEST_SLUG, LONGEST_SLUG))


def _longest_index_entry(settings: Settings) -> int:
    return _entry_bytes("sitemap", _sitemap_url(settings, LONGEST_SLUG, LARGEST_PAGE))


def _entry_bytes(element: str, location: str) -> int:
    """The bytes an entry for `location` takes in a file, with the newline between."""
    return len(entry(element, location, LATEST).encode()) + 1


async def index(settings: Settings) -> Sitemap | None:
    """The sitemap index: one entry per relay sitemap file; None while no post is published
    (an index must list at least one sitemap)."""
    tags.add(tags.POSTS, tags.RELAYS)
    most = sitemaps_per_index(settings)
    files = await queries.sitemap_files(urls_per_sitemap(settings), most + 1)
    if len(files) > most:
        log.warning("sitemap index: over %s sitemap files; the rest left out", most)
        files = files[:most]
    if not files:
        return None
    entries = [
        entry("sitemap", _sitemap_url(settings, row["slug"], row["page"]), row["lastmod"])
        for row in files
    ]
    return Sitemap(document("sitemapindex", entries), len(entries))


async def relay_sitemap(settings: Settings, slug: str, page: int) -> Sitemap | None:
    """One file of a relay's sitemap; None for an unknown relay, or a page past its posts."""
    relay = await queries.subject_by_slug(Scope.RELAY, slug)
    if relay is None or page < 1:
        return None
    relay_id = relay["id"]
    tags.add(tags.entity("Relay", relay_id), tags.relay_posts(relay_id))
    posts = await queries.sitemap_posts(relay_id, page, urls_per_sitemap(settings))
    if not posts:
        return None  # a sitemap must list at least one URL
    entries = [
        entry("url", settings.post_url(slug, post["slug"]), post["updated_at"]) for post in posts
    ]
    return Sitemap(document("urlset", entries), len(entries))


def _sitemap_url(settings: Settings, slug: str, page: int) -> str:
    return settings.public_url.rstrip("/") + relay_sitemap_path(slug, page)


def entry(element: str, location: str, lastmod: object) -> str:
    """One `<url>` (or `<sitemap>`) entry: its location escaped, its lastmod in UTC."""
    location = escape(location, QUOTES)
    return f"<{element}><loc>{location}</loc><lastmod>{_stamp(lastmod)}</lastmod></{element}>"


def _stamp(lastmod: object) -> str:
    moment = sql.to_datetime(lastmod)
    assert moment is not None
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def document(root: str, entries: list[str]) -> bytes:
    """A sitemap file (`urlset`) or index (`sitemapindex`) of these entries, as UTF-8."""
    body = "\n".join(entries)
    return f'{HEAD}<{root} xmlns="{NAMESPACE}">\n{body}\n</{root}>\n'.encode()

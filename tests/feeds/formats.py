"""Each format's rules, checked on the bytes a feed route sends; each check returns the
problems it found (an empty list: the feed keeps every rule checked).

Atom: RFC 4287's MUSTs for feed and entries. RSS 2.0: the RSS Board's required channel and
item elements, RFC 822 dates. JSON Feed 1.1: the spec's MUSTs (jsonfeed.org/version/1.1).
Sitemaps: the sitemaps.org XSDs in tests/fixtures/.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# RFC 822 as RFC 1123 updated it (four-digit years), with a numeric zone.
RFC_822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
)


def rfc_3339(text: str | None) -> dt.datetime | None:
    """The time, if `text` is an RFC 3339 date-time with an offset."""
    if text is None or not RFC_3339.fullmatch(text):
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def absolute_url(text: str | None) -> bool:
    parts = urlsplit(text or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _atom(element: Any, name: str) -> list[Any]:
    return element.findall(f"{{{ATOM}}}{name}")


def atom_problems(body: bytes) -> list[str]:
    """RFC 4287: the feed's and each entry's required elements, unique ids, authors."""
    root = etree.fromstring(body)
    if root.tag != f"{{{ATOM}}}feed":
        return [f"the root is {root.tag}, not atom:feed"]
    problems = _atom_head(root, "feed")
    if not any(link.get("rel") == "self" for link in _atom(root, "link")):
        problems.append("feed: no link rel=self")
    feed_has_author = bool(_atom(root, "author"))
    ids: set[str] = set()
    for number, entry in enumerate(_atom(root, "entry")):
        where = f"entry {number}"
        problems += _atom_head(entry, where)
        entry_id = entry.findtext(f"{{{ATOM}}}id")
        if entry_id in ids:
            problems.append(f"{where}: id {entry_id} repeats")
        ids.add(entry_id or "")
        if not feed_has_author and not _atom(entry, "author"):
            problems.append(f"{where}: no author, and the feed has none")
        for author in _atom(entry, "author"):
            if not author.findtext(f"{{{ATOM}}}name"):
                problems.append(f"{where}: an author without a name")
        alternate = [link for link in _atom(entry, "link") if link.get("rel") == "alternate"]
        if not _atom(entry, "content") and not alternate:
            problems.append(f"{where}: neither content nor an alternate link")
        published = entry.findtext(f"{{{ATOM}}}published")
        if published is not None and rfc_3339(published) is None:
            problems.append(f"{where}: published {published!r} is not RFC 3339")
    return problems


def _atom_head(element: Any, where: str) -> list[str]:
    """Exactly one id (an absolute IRI), title and RFC 3339 updated."""
    problems = []
    for name in ("id", "title", "updated"):
        if len(_atom(element, name)) != 1:
            problems.append(f"{where}: {len(_atom(element, name))} atom:{name} elements")
    identifier = element.findtext(f"{{{ATOM}}}id") or ""
    if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", identifier):
        problems.append(f"{where}: id {identifier!r} is not an absolute IRI")
    updated = element.findtext(f"{{{ATOM}}}updated")
    if rfc_3339(updated) is None:
        problems.append(f"{where}: updated {updated!r} is not RFC 3339")
    return problems


def rss_problems(body: bytes) -> list[str]:
    """RSS 2.0: channel title, link and description; items with a title or description, a
    unique guid, an absolute link and RFC 822 dates."""
    root = etree.fromstring(body)
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"the root is {root.tag} version {root.get('version')}, not rss 2.0"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"{len(channels)} channel elements"]
    channel = channels[0]
    required = ("title", "link", "description")
    problems = [f"channel: no {name}" for name in required if not channel.findtext(name)]
    if not absolute_url(channel.findtext("link")):
        problems.append("channel: link is not an absolute URL")
    for name in ("lastBuildDate", "pubDate"):
        value = channel.findtext(name)
        if value is not None and not _rfc_822(value):
            problems.append(f"channel: {name} {value!r} is not RFC 822")
    guids: set[str] = set()
    for number, item in enumerate(channel.findall("item")):
        where = f"item {number}"
        if not item.findtext("title") and not item.findtext("description"):
            problems.append(f"{where}: neither title nor description")
        guid = item.findtext("guid")
        if not guid:
            problems.append(f"{where}: no guid")
        elif guid in guids:
            problems.append(f"{where}: guid {guid} repeats")
        guids.add(guid or "")
        if not absolute_url(item.findtext("link")):
            problems.append(f"{where}: link is not an absolute URL")
        published = item.findtext("pubDate")
        if published is None or not _rfc_822(published):
            problems.append(f"{where}: pubDate {published!r} is not RFC 822")
        for author in item.findall("author"):
            if "@" not in (author.text or ""):
                problems.append(f"{where}: author {author.text!r} is not an e-mail address")
    return problems


def _rfc_822(text: str) -> bool:
    if not RFC_822.fullmatch(text):
        return False
    return email.utils.parsedate_to_datetime(text).tzinfo is not None


def json_feed_problems(body: bytes) -> list[str]:
    """JSON Feed 1.1's MUST rules for the top level and each item."""
    document = json.loads(body)
    problems = []
    if document.get("version") != JSON_FEED_VERSION:
        problems.append(f"version {document.get('version')!r}")
    if not isinstance(document.get("title"), str) or not document["title"]:
        problems.append("no title")
    for name in ("home_page_url", "feed_url"):
        if name in document and not absolute_url(document[name]):
            problems.append(f"{name} is not an absolute URL")
    if "author" in document:
        problems.append("`author` is deprecated in 1.1: use `authors`")
    items = document.get("items")
    if not isinstance(items, list):
        return [*problems, "items is not an array"]
    ids: set[str] = set()
    for number, item in enumerate(items):
        problems += _json_item_problems(f"item {number}", item, ids)
    return problems


def _json_item_problems(where: str, item: dict[str, Any], ids: set[str]) -> list[str]:
    problems = []
    if not isinstance(item.get("id"), str) or not item["id"]:
        problems.append(f"{where}: id is not a non-empty string")
    elif item["id"] in ids:
        problems.append(f"{where}: id {item['id']} repeats")
    ids.add(str(item.get("id")))
    if not isinstance(item.get("content_html"), str) and not isinstance(
        item.get("content_text"), str
    ):
        problems.append(f"{where}: neither content_html nor content_text")
    if "url" in item and not absolute_url(item["url"]):
        problems.append(f"{where}: url is not an absolute URL")
    for name in ("date_published", "date_modified"):
        if name in item and rfc_3339(item[name]) is None:
            problems.append(f"{where}: {name} {item[name]!r} is not RFC 3339")
    for author in item.get("authors", []):
        if not isinstance(author, dict) or not {"name", "url", "avatar"} & author.keys():
            problems.append(f"{where}: an author with neither name, url nor avatar")
    if not all(isinstance(tag, str) for tag in item.get("tags", [])):
        problems.append(f"{where}: a tag that is not a string")
    return problems


def sitemap_problems(body: bytes, schema_file: str) -> list[str]:
    """What the sitemaps.org XSD (`sitemap.xsd` or `siteindex.xsd`) finds wrong."""
    schema = etree.XMLSchema(etree.parse(str(FIXTURES / schema_file)))
    if schema.validate(etree.fromstring(body)):
        return []
    return [str(error) for error in schema.error_log]


HISTORY = "http://purl.org/syndication/history/1.0"


@dataclass(frozen=True)
class Page:
    """What one feed document says, in any format: its entries' titles and ids, its
    archive links by relation (JSON Feed's `next_url` as `prev-archive`), and whether it is
    marked as an archive document (`fh:archive`)."""

    titles: list[str]
    ids: list[str]
    links: dict[str, str]
    archived: bool


def page_of(body: bytes, extension: str) -> Page:
    """The Page a feed document in this format (atom, rss or json) describes."""
    if extension == "json":
        document = json.loads(body)
        items = document["items"]
        links = {"prev-archive": document["next_url"]} if "next_url" in document else {}
        titles = [item["title"] for item in items]
        return Page(titles, [item["id"] for item in items], links, archived=False)
    root = etree.fromstring(body)
    if extension == "atom":
        head, entries, title, identifier = (
            root,
            _atom(root, "entry"),
            f"{{{ATOM}}}title",
            f"{{{ATOM}}}id",
        )
    else:
        head = root.find("channel")
        entries, title, identifier = head.findall("item"), "title", "guid"
    links = {
        str(link.get("rel")): str(link.get("href"))
        for link in head.findall(f"{{{ATOM}}}link")
        if link.get("rel") in ("current", "prev-archive", "next-archive")
    }
    return Page(
        titles=[str(entry.findtext(title)) for entry in entries],
        ids=[str(entry.findtext(identifier)) for entry in entries],
        links=links,
        archived=head.find(f"{{{HISTORY}}}archive") is not None,
    )

"""What a feed says, whatever its format: built from rows, tagged for the response cache."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from graph.cache import tags
from graph.feeds import archives, queries
from graph.feeds.archives import Paging
from graph.read import sql
from graph.read.posts import Scope
from graph.settings import Settings

# A feed with no post yet still needs an `updated` time (Atom requires one); a fixed one
# keeps its ETag the same until the first post arrives.
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Characters XML 1.0 cannot hold (lxml refuses them); stored text may contain a few.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Format(Enum):
    """A feed format: its file extension and media type."""

    ATOM = ("atom", "application/atom+xml; charset=utf-8")
    RSS = ("rss", "application/rss+xml; charset=utf-8")
    JSON = ("json", "application/feed+json; charset=utf-8")

    @property
    def extension(self) -> str:
        return self.value[0]

    @property
    def media_type(self) -> str:
        return self.value[1]


FORMATS = {format.extension: format for format in Format}

# The URL folder of each kind of subject, and the scope of its posts.
SUBJECT_FOLDERS = {
    "relays": Scope.RELAY,
    "categories": Scope.CATEGORY,
    "authors": Scope.AUTHOR,
    "organizations": Scope.ORGANIZATION,
}
TYPE_NAMES = {
    Scope.RELAY: "Relay",
    Scope.CATEGORY: "Category",
    Scope.AUTHOR: "Author",
    Scope.ORGANIZATION: "Organization",
}


@dataclass(frozen=True)
class Item:
    """One post as a feed entry."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[str, ...]
    relay_title: str
    category: str | None


@dataclass(frozen=True)
class Feed:
    """One feed document: its head, its items newest first, and its archive links."""

    title: str
    description: str
    self_url: str
    home_url: str
    updated: dt.datetime
    items: tuple[Item, ...]
    paging: Paging


def clean(text: str) -> str:
    """The text without characters XML cannot carry (the same text in every format)."""
    return NOT_XML.sub("", text)


async def build(
    settings: Settings, scope: Scope, slug: str | None, path: str, page: int | None = None
) -> Feed | None:
    """A document of the feed of all posts (Scope.ALL) or of one subject by slug: the
    subscription document at `path`, or archive page `page`. None if the subject is unknown
    or the page holds no post.

    Adds the cache tags of everything the document shows, and the list tag of the feed's
    posts, so a write that changes any of it (a publish included) drops the cached document
    as it drops GraphQL answers.
    """
    subject: sql.Row | None = None
    if scope is not Scope.ALL:
        assert slug is not None
        subject = await queries.subject_by_slug(scope, slug)
        if subject is None:
            return None
        tags.add(tags.entity(TYPE_NAMES[scope], subject["id"]))
    # A new or unpublished post changes every feed: the same list tags GraphQL lists add.
    tags.add(tags.relay_posts(subject["id"]) if subject and scope is Scope.RELAY else tags.POSTS)
    subscription_url = settings.public_url.rstrip("/") + path
    found = await _posts(settings, scope, subject["id"] if subject else 0, subscription_url, page)
    if found is None:
        return None
    rows, paging = found
    items = await _items(settings, rows)
    title, description = _head(scope, subject)
    return Feed(
        title=clean(title),
        description=clean(description),
        self_url=subscription_url if page is None else archives.archive_url(subscription_url, page),
        home_url=_home(settings),
        updated=max((item.updated for item in items), default=NEVER),
        items=tuple(items),
        paging=paging,
    )


async def _posts(
    settings: Settings, scope: Scope, subject_id: int, subscription_url: str, page: int | None
) -> tuple[list[sql.Row], Paging] | None:
    """The document's rows, newest first, and its links; None for an archive page past the
    last."""
    per_page = settings.feed_items
    if page is None:
        rows, total = await queries.subscription_posts(scope, subject_id, per_page)
        return rows, archives.subscription_paging(subscription_url, total, per_page)
    rows = await queries.archive_posts(scope, subject_id, page, per_page)
    if not rows:
        return None
    paging = archives.archive_paging(subscription_url, page, newer=len(rows) > per_page)
    return rows[:per_page][::-1], paging


async def _items(settings: Settings, rows: list[sql.Row]) -> list[Item]:
    names: dict[int, list[str]] = defaultdict(list)
    for byline in await queries.bylines([row["id"] for row in rows]):
        names[byline["post_id"]].append(clean(byline["author"]["name"]))
        tags.add(tags.entity("Author", byline["author_id"]))
    authority = urlsplit(settings.public_url).hostname or "localhost"
    items = []
    for row in rows:
        tags.add(*tags.of_row("Post", row), tags.entity("Relay", row["relay_id"]))
        if row["category"] is not None:
            tags.add(tags.entity("Category", row["category"]["id"]))
        items.append(_item(settings, row, names[row["id"]], authority))
    return items


def _item(settings: Settings, row: sql.Row, authors: list[str], authority: str) -> Item:
    published = _moment(row["published_at"])
    category = row["category"]
    return Item(
        # A tag URI (RFC 4151) on the post's id: it survives slug changes, so readers never
        # see a renamed post twice.
        id=f"tag:{authority},2026:post:{row['id']}",
        url=settings.post_url(row["relay"]["slug"], row["slug"]),
        title=clean(row["title"]),
        summary=clean(row["teaser"]),
        content_html=clean(row["html"]),
        published=published,
        # Never before publication: a back-dated publish keeps its older edit time.
        updated=max(published, _moment(row["updated_at"])),
        authors=tuple(authors),
        relay_title=clean(row["relay"]["title"]),
        category=None if category is None else clean(category["name"]),
    )


def _moment(value: object) -> dt.datetime:
    """A timestamp in Copenhagen time, to the second (as feeds show times)."""
    moment = sql.in_copenhagen(value)
    assert moment is not None
    return moment.replace(microsecond=0)


def _head(scope: Scope, subject: sql.Row | None) -> tuple[str, str]:
    """(title, description) of a feed: the subject's own words where it has some."""
    if subject is None:
        return "Alle indlæg", "De nyeste indlæg fra alle stafetter."
    if scope is Scope.RELAY:
        return subject["title"], subject["intro"].strip() or f"Indlæg i {subject['title']}."
    if scope is Scope.CATEGORY:
        return subject["name"], f"Indlæg i kategorien {subject['name']}."
    if scope is Scope.AUTHOR:
        return subject["name"], subject["bio"].strip() or f"Indlæg af {subject['name']}."
    return subject["name"], f"Indlæg af skribenter fra {subject['name']}."


def _home(settings: Settings) -> str:
    """The site's front page: the scheme and host of POST_URL_TEMPLATE."""
    parts = urlsplit(settings.post_url_template)
    return f"{parts.scheme}://{parts.netloc}/"

"""The post file: Markdown with YAML front matter, as editors push it and exports write it.

```
---
title: Politi med blød hat
slug: politi-med-bloed-hat          # optional: made from the title when absent
relay: lederskabs-stafetten
category: ledelse
bylines:
- anne-jensen                       # an author slug, or a mapping:
- author: bo-hansen
  role: Direktør
  organization: kl
teaser: …                           # optional: absent, the server cuts one from the body
publish: true                       # true: publish; false: back to draft; absent: leave as is
publishedAt: '2023-01-10T00:00:00+01:00'   # with publish: true, back-dates it
publishAt: '2030-01-01T09:00:00+01:00'     # instead of publish: schedules it
---

The body, in Markdown.
```

Times without an offset are Copenhagen time, as in the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from graph.client import frontmatter
from graph.danish import slugify

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
KEYS = (
    "title",
    "slug",
    "relay",
    "category",
    "bylines",
    "teaser",
    "publish",
    "publishedAt",
    "publishAt",
    "previousSlugs",
)
BYLINE_KEYS = ("author", "role", "organization")


class PostFileError(ValueError):
    """A post file that cannot be read or breaks the format above."""


# Not graph.editing's BylineSpec: importing the editing layer (and with it the ORM) would
# triple the start-up time of push-post, which needs none of it.
@dataclass(frozen=True)
class Byline:
    """One byline as a file gives it: slugs of the author and (optionally) organisation."""

    author: str
    role: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class PostFile:
    """One post as a file gives it (`slug` made from the title when the file has none)."""

    title: str
    slug: str
    body: str = ""
    relay: str | None = None
    category: str | None = None
    bylines: tuple[Byline, ...] = ()
    teaser: str | None = None
    publish: bool | None = None
    published_at: dt.datetime | None = None
    publish_at: dt.datetime | None = None
    slug_derived: bool = False
    previous_slugs: tuple[str, ...] = ()  # old slugs that keep leading to the post


def read_post_file(path: Path) -> PostFile:
    """Read and check a post file; a PostFileError says what is wrong, naming the file."""
    try:
        return parse_post(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise PostFileError(f"{path}: cannot read: {error}") from error
    except PostFileError as error:
        raise PostFileError(f"{path}: {error}") from error


def parse_post(text: str) -> PostFile:
    """The post a file's text describes."""
    try:
        front, body = frontmatter.split(text)
    except frontmatter.FrontMatterError as error:
        raise PostFileError(str(error)) from error
    unknown = [key for key in front if key not in KEYS]
    if unknown:
        raise PostFileError(f"unknown front matter key {unknown[0]!r} (known: {', '.join(KEYS)})")
    title = _text(front, "title", required=True)
    assert title is not None
    slug = _text(front, "slug")
    if slug is None and not slugify(title):
        raise PostFileError("front matter needs a slug: the title makes none")
    post = PostFile(
        title=title,
        slug=slug or slugify(title),
        slug_derived=slug is None,
        body=body,
        relay=_text(front, "relay"),
        category=_text(front, "category"),
        bylines=_bylines(front.get("bylines")),
        teaser=_text(front, "teaser") or None,
        publish=_flag(front, "publish"),
        published_at=_time(front, "publishedAt"),
        publish_at=_time(front, "publishAt"),
        previous_slugs=slug_list(front.get("previousSlugs")),
    )
    _check_status(post)
    return post


def _text(front: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = front.get(key)
    if value is None or value == "":
        if required:
            raise PostFileError(f"front matter needs {key!r}")
        return None
    if not isinstance(value, str):
        raise PostFileError(f"{key!r} must be text (quote it): got {value!r}")
    return value


def _flag(front: dict[str, Any], key: str) -> bool | None:
    value = front.get(key)
    if value is not None and not isinstance(value, bool):
        raise PostFileError(f"{key!r} must be true or false: got {value!r}")
    return value


def _time(front: dict[str, Any], key: str) -> dt.datetime | None:
    """An ISO time (YAML may already have parsed it); no offset means Copenhagen."""
    value = front.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise PostFileError(f"{key!r} is not an ISO 8601 time: {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise PostFileError(f"{key!r} must be an ISO 8601 time: got {value!r}")
    return value if value.tzinfo is not None else value.replace(tzinfo=COPENHAGEN)


def _bylines(value: Any) -> tuple[Byline, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PostFileError("'bylines' must be a list")
    return tuple(_byline(index, item) for index, item in enumerate(value, start=1))


def _byline(index: int, item: Any) -> Byline:
    if isinstance(item, str):
        return Byline(item)
    if not isinstance(item, dict) or not isinstance(item.get("author"), str):
        raise PostFileError(f"byline {index}: give an author slug, or a mapping with 'author'")
    unknown = [key for key in item if key not in BYLINE_KEYS]
    if unknown:
        raise PostFileError(
            f"byline {index}: unknown key {unknown[0]!r} (known: author, role, organization)"
        )
    for key in ("role", "organization"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise PostFileError(f"byline {index}: {key!r} must be text")
    return Byline(item["author"], item.get("role") or None, item.get("organization") or None)


def _check_status(post: PostFile) -> None:
    if post.publish_at is not None and post.publish is not None:
        raise PostFileError("give 'publish' or 'publishAt' (which schedules), not both")
    if post.published_at is not None and post.publish is not True:
        raise PostFileError("'publishedAt' back-dates a publication: it needs 'publish: true'")


def render_post(post: PostFile) -> str:
    """The file's text for a post: front matter keys in the fixed order above, then the body."""
    front: dict[str, Any] = {
        "title": post.title,
        "slug": None if post.slug_derived else post.slug,
        "relay": post.relay,
        "category": post.category,
        "bylines": [_byline_entry(byline) for byline in post.bylines] or None,
        "teaser": post.teaser,
        "publish": post.publish,
        "publishedAt": _iso(post.published_at),
        "publishAt": _iso(post.publish_at),
        "previousSlugs": list(post.previous_slugs) or None,
    }
    return frontmatter.join({k: v for k, v in front.items() if v is not None}, post.body)


def slug_list(value: Any) -> tuple[str, ...]:
    """A `previousSlugs` value: a list of slugs (none when absent, as in older exports)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PostFileError("'previousSlugs' must be a list of slugs")
    return tuple(value)


def _byline_entry(byline: Byline) -> str | dict[str, str]:
    if byline.role is None and byline.organization is None:
        return byline.author
    entry = {"author": byline.author, "role": byline.role, "organization": byline.organization}
    return {key: value for key, value in entry.items() if value is not None}


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()

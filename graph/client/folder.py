"""The relay folder the export writes and the import reads: relay.yaml and one file per post.

`relay.yaml` holds the relay's fields and the categories, organisations and authors (with
affiliations) that its posts name; `NNN-<slug>.md` files hold the posts, oldest first, in the
push script's format. Both directions go through an ImportSpec, so what one writes the other
reads back unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, TypeVar

from graph import models
from graph.client import frontmatter
from graph.client.postfile import (
    Byline,
    PostFile,
    PostFileError,
    read_post_file,
    render_post,
    slug_list,
)
from graph.editing.imports import (
    AuthorSpec,
    CategorySpec,
    ImportSpec,
    OrganizationSpec,
    PostSpec,
    RelaySpec,
)
from graph.editing.posts import BylineSpec

RELAY_FILE = "relay.yaml"
RELAY_KEYS = ("slug", "title", "status", "startedOn", "endedOn", "intro", "previousSlugs")
LISTS = ("categories", "organizations", "authors")
POST_FILE = re.compile(r"^\d+-.+\.md$")


class FolderError(ValueError):
    """A folder that does not hold a relay in this format."""


def post_files(folder: Path) -> list[Path]:
    """The folder's post files (`NNN-<slug>.md`), in name order: oldest first."""
    return sorted(path for path in folder.iterdir() if POST_FILE.match(path.name))


def read_folder(folder: Path) -> tuple[ImportSpec, list[str]]:
    """The import a folder describes, and each post's file name (for messages)."""
    if not (folder / RELAY_FILE).is_file():
        raise FolderError(f"{folder}: no {RELAY_FILE} here")
    data = _relay_data(folder / RELAY_FILE)
    relay = _relay(data)
    paths = post_files(folder)
    posts = tuple(_post_spec(path, read_post_file(path), relay.slug) for path in paths)
    spec = ImportSpec(
        relay=relay,
        posts=posts,
        categories=tuple(
            CategorySpec(c["slug"], c["name"], _previous(c)) for c in _items(data, "categories")
        ),
        organizations=tuple(_organization(o) for o in _items(data, "organizations")),
        authors=tuple(_author(a) for a in _items(data, "authors")),
    )
    return spec, [path.name for path in paths]


def _relay_data(path: Path) -> dict[str, Any]:
    try:
        data = frontmatter.load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise FolderError(f"{path}: {' '.join(str(error).split())}") from error
    if not isinstance(data, dict) or not data.get("slug") or not data.get("title"):
        raise FolderError(f"{path}: needs at least 'slug' and 'title'")
    unknown = [key for key in data if key not in (*RELAY_KEYS, *LISTS)]
    if unknown:
        known = ", ".join((*RELAY_KEYS, *LISTS))
        raise FolderError(f"{path}: unknown key {unknown[0]!r} (known: {known})")
    return data


def _relay(data: dict[str, Any]) -> RelaySpec:
    return RelaySpec(
        slug=str(data["slug"]),
        title=str(data["title"]),
        intro=str(data.get("intro") or ""),
        status=_enum(models.RelayStatus, data.get("status", "active"), "status"),
        started_on=_date(data.get("startedOn"), "startedOn"),
        ended_on=_date(data.get("endedOn"), "endedOn"),
        previous_slugs=_previous(data),
    )


def _previous(data: dict[str, Any]) -> tuple[str, ...]:
    try:
        return slug_list(data.get("previousSlugs"))
    except PostFileError as error:
        raise FolderError(f"{RELAY_FILE}: {data['slug']!r}: {error}") from None


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(_named(item) for item in items):
        raise FolderError(f"{RELAY_FILE}: '{key}' must be a list of mappings with slug and name")
    return items


def _named(item: Any) -> bool:
    return isinstance(item, dict) and bool(item.get("slug")) and bool(item.get("name"))


def _organization(data: dict[str, Any]) -> OrganizationSpec:
    kind = _enum(models.OrganizationKind, data.get("kind", "other"), "kind")
    return OrganizationSpec(
        data["slug"], data["name"], data.get("shortName"), kind, _previous(data)
    )


def _author(data: dict[str, Any]) -> AuthorSpec:
    affiliations = data.get("affiliations") or []
    if not all(isinstance(a, dict) and a.get("organization") for a in affiliations):
        raise FolderError(f"{RELAY_FILE}: author {data['slug']!r}: affiliations need organization")
    pairs = tuple((a["organization"], a.get("role")) for a in affiliations)
    return AuthorSpec(data["slug"], data["name"], data.get("bio") or "", pairs, _previous(data))


E = TypeVar("E", models.RelayStatus, models.OrganizationKind)


def _enum(kind: type[E], value: Any, key: str) -> E:
    try:
        return kind(str(value).lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise FolderError(f"{RELAY_FILE}: {key} {value!r} is not one of {allowed}") from None


def _date(value: Any, key: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FolderError(f"{RELAY_FILE}: {key} {value!r} is not an ISO date") from None


def _post_spec(path: Path, post: PostFile, relay: str) -> PostSpec:
    if post.relay is not None and post.relay != relay:
        raise FolderError(f"{path}: relay {post.relay!r} is not this folder's {relay!r}")
    if post.publish and post.published_at is None:
        raise FolderError(f"{path}: an imported post with 'publish: true' needs 'publishedAt'")
    return PostSpec(
        slug=post.slug,
        title=post.title,
        body=post.body,
        teaser=post.teaser,
        category=post.category,
        bylines=tuple(BylineSpec(b.author, b.role, b.organization) for b in post.bylines),
        published_at=post.published_at if post.publish else None,
        publish_at=post.publish_at,
        previous_slugs=post.previous_slugs,
    )


def write_folder(folder: Path, spec: ImportSpec) -> list[Path]:
    """Write relay.yaml and the post files; a previous export there is replaced."""
    _clear(folder)
    (folder / RELAY_FILE).write_text(frontmatter.dump(relay_document(spec)), encoding="utf-8")
    width = max(3, len(str(len(spec.posts))))
    written = []
    for number, post in enumerate(spec.posts, start=1):
        path = folder / f"{number:0{width}d}-{post.slug}.md"
        path.write_text(render_post(post_file(post, spec.relay.slug)), encoding="utf-8")
        written.append(path)
    return written


def check_writable(folder: Path) -> None:
    """Refuse a folder that is neither empty (or new) nor an earlier export."""
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / RELAY_FILE).is_file():
        raise FolderError(f"{folder} is not empty and holds no {RELAY_FILE}: choose another")


def _clear(folder: Path) -> None:
    """Make room for an export: remove an earlier export's relay.yaml and post files."""
    check_writable(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for path in post_files(folder):
        path.unlink()
    (folder / RELAY_FILE).unlink(missing_ok=True)


def relay_document(spec: ImportSpec) -> dict[str, Any]:
    """relay.yaml's content: fixed key order, empty fields left out."""
    relay = spec.relay
    document = _present(
        slug=relay.slug,
        title=relay.title,
        status=relay.status.value,
        startedOn=_iso_date(relay.started_on),
        endedOn=_iso_date(relay.ended_on),
        intro=relay.intro,
        previousSlugs=list(relay.previous_slugs),
    )
    document["categories"] = [
        _present(slug=c.slug, name=c.name, previousSlugs=list(c.previous_slugs))
        for c in spec.categories
    ]
    document["organizations"] = [
        _present(
            slug=o.slug,
            name=o.name,
            shortName=o.short_name,
            kind=o.kind.value,
            previousSlugs=list(o.previous_slugs),
        )
        for o in spec.organizations
    ]
    document["authors"] = [_author_entry(author) for author in spec.authors]
    return document


def _iso_date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _author_entry(author: AuthorSpec) -> dict[str, Any]:
    affiliations = [
        _present(organization=organization, role=role) for organization, role in author.affiliations
    ]
    return _present(
        slug=author.slug,
        name=author.name,
        bio=author.bio,
        affiliations=affiliations,
        previousSlugs=list(author.previous_slugs),
    )


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def post_file(post: PostSpec, relay: str) -> PostFile:
    """The file for an imported post: drafts say `publish: false`, scheduled ones `publishAt`."""
    publish = True if post.published_at else (None if post.publish_at else False)
    return PostFile(
        title=post.title,
        slug=post.slug,
        body=post.body,
        relay=relay,
        category=post.category,
        bylines=tuple(Byline(b.author, b.role, b.organization) for b in post.bylines),
        teaser=post.teaser,
        publish=publish,
        published_at=post.published_at,
        publish_at=post.publish_at,
        previous_slugs=post.previous_slugs,
    )

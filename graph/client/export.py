"""Export a relay to a folder that `import-relay DIR` reads back (and editors can push from).

Usage: export-relay RELAY_SLUG DIR

Reads with the token, so drafts and scheduled posts come along. Choices that keep the round
trip (export, import into an empty database, export again) byte for byte:

- Archived posts are left out, and counted: an import cannot create archived posts.
- A teaser the server cut from the body (`teaserDerived`) is left out, so the import has the
  server derive it again and it keeps following the body; a written teaser is kept.
- A draft's earlier publication time is left out: an import cannot give a draft one.
- Posts are numbered oldest first: published ones by publication time, then scheduled ones
  by their time, then drafts in the server's order; ties keep the server's order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graph import models
from graph.client.folder import FolderError, check_writable, write_folder
from graph.client.http import ClientError, GraphQLClient, from_environment
from graph.editing.imports import (
    AuthorSpec,
    CategorySpec,
    ImportSpec,
    OrganizationSpec,
    PostSpec,
    RelaySpec,
)
from graph.editing.posts import BylineSpec

# A post's page holds its body and its bylines by slug: at worst ~250 KB priced, so pages of 20
# stay well under the server's default MAX_QUERY_COST (50,000). Authors and organisations are
# read once each afterwards, by alias (each author's 50 affiliations under each of 20 bylines
# of every post would price a page of one post at ~15,000).
PAGE_SIZE = 20
# Authors or organisations looked up in one request: within the server's MAX_ALIASES (30).
PEOPLE_PER_REQUEST = 20
EXPORTED = "[DRAFT, SCHEDULED, PUBLISHED]"
QUERY = f"""
query ExportRelay($slug: String!, $after: String) {{
  relay(slug: $slug) {{
    slug previousSlugs title intro status startedOn endedOn
    archived: posts(first: 0, filter: {{status: [ARCHIVED]}}) {{ totalCount }}
    posts(first: {PAGE_SIZE}, after: $after, filter: {{status: {EXPORTED}}}) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      edges {{ node {{
        slug previousSlugs title teaser teaserDerived body status publishedAt publishAt
        category {{ slug previousSlugs name }}
        bylines {{ role organization {{ slug }} author {{ slug }} }}
      }} }}
    }}
  }}
}}
"""
AUTHOR = "slug previousSlugs name bio affiliations { role organization { slug } }"
ORGANIZATION = "slug previousSlugs name shortName kind"


class ExportError(Exception):
    """Nothing to export (no such relay)."""


def fetch_relay(client: GraphQLClient, slug: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The relay's fields and its exported posts, newest first, paging until done; each
    byline's author and organisation whole (affiliations too)."""
    relay: dict[str, Any] | None = None
    posts: list[dict[str, Any]] = []
    for page in _pages(client, slug):
        relay = page
        posts += [edge["node"] for edge in page["posts"]["edges"]]
        print(f"read {len(posts)} of {page['posts']['totalCount']} posts", file=sys.stderr)
    assert relay is not None
    _fill_people(client, posts)
    return relay, posts


def _pages(client: GraphQLClient, slug: str) -> Iterator[dict[str, Any]]:
    after = None
    while True:
        relay = client.data(QUERY, {"slug": slug, "after": after})["relay"]
        if relay is None:
            raise ExportError(f"there is no relay {slug!r}")
        yield relay
        page_info = relay["posts"]["pageInfo"]
        if not page_info["hasNextPage"]:
            return
        after = page_info["endCursor"]


def _fill_people(client: GraphQLClient, posts: list[dict[str, Any]]) -> None:
    """Replace each byline's author and organisation (slugs) with the whole object."""
    bylines = [byline for post in posts for byline in post["bylines"]]
    authors = _by_slug(client, "author", AUTHOR, {b["author"]["slug"] for b in bylines})
    named = {b["organization"]["slug"] for b in bylines if b["organization"]}
    named |= {a["organization"]["slug"] for p in authors.values() for a in p["affiliations"]}
    organizations = _by_slug(client, "organization", ORGANIZATION, named)
    for author in authors.values():
        for affiliation in author["affiliations"]:
            affiliation["organization"] = organizations[affiliation["organization"]["slug"]]
    for byline in bylines:
        byline["author"] = authors[byline["author"]["slug"]]
        if byline["organization"]:
            byline["organization"] = organizations[byline["organization"]["slug"]]


def _by_slug(
    client: GraphQLClient, field: str, selection: str, slugs: set[str]
) -> dict[str, dict[str, Any]]:
    """Objects by their slugs, PEOPLE_PER_REQUEST aliased lookups a request."""
    ordered = sorted(slugs)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ordered), PEOPLE_PER_REQUEST):
        batch = ordered[start : start + PEOPLE_PER_REQUEST]
        variables = ", ".join(f"$s{n}: String!" for n in range(len(batch)))
        lookups = " ".join(
            f"o{n}: {field}(slug: $s{n}) {{ {selection} }}" for n in range(len(batch))
        )
        data = client.data(
            f"query ({variables}) {{ {lookups} }}", {f"s{n}": s for n, s in enumerate(batch)}
        )
        found.update({slug: data[f"o{n}"] for n, slug in enumerate(batch)})
    return found


def export_spec(relay: dict[str, Any], posts: list[dict[str, Any]]) -> ImportSpec:
    """The import that recreates the relay: its posts oldest first, and what they name."""
    nodes = _oldest_first(posts)
    bylines = [byline for node in nodes for byline in node["bylines"]]
    authors = {b["author"]["slug"]: b["author"] for b in bylines}
    organizations = {
        b["organization"]["slug"]: b["organization"] for b in bylines if b["organization"]
    }
    for author in authors.values():
        organizations.update(
            {a["organization"]["slug"]: a["organization"] for a in author["affiliations"]}
        )
    categories = {node["category"]["slug"]: node["category"] for node in nodes if node["category"]}
    return ImportSpec(
        relay=RelaySpec(
            slug=relay["slug"],
            title=relay["title"],
            intro=relay["intro"],
            status=models.RelayStatus(relay["status"].lower()),
            started_on=_date(relay["startedOn"]),
            ended_on=_date(relay["endedOn"]),
            previous_slugs=_previous(relay),
        ),
        posts=tuple(_post(node) for node in nodes),
        categories=tuple(
            CategorySpec(slug, categories[slug]["name"], _previous(categories[slug]))
            for slug in sorted(categories)
        ),
        organizations=tuple(_organization(organizations[slug]) for slug in sorted(organizations)),
        authors=tuple(_author(authors[slug]) for slug in sorted(authors)),
    )


RANK = {"PUBLISHED": 0, "SCHEDULED": 1, "DRAFT": 2}
EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def _oldest_first(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Published by time, then scheduled by time, then drafts; ties in server order."""
    # The server lists newest first; reversed, ties stay in its order through the stable sort.
    return sorted(reversed(posts), key=_age)


def _age(node: dict[str, Any]) -> tuple[int, dt.datetime]:
    """Sort key: the status's rank, then the time that matters for it (none for drafts)."""
    when = {"PUBLISHED": node["publishedAt"], "SCHEDULED": node["publishAt"]}
    return RANK[node["status"]], _time(when.get(node["status"])) or EARLIEST


def _post(node: dict[str, Any]) -> PostSpec:
    published = node["status"] == "PUBLISHED"
    scheduled = node["status"] == "SCHEDULED"
    derived = node["teaserDerived"]
    return PostSpec(
        slug=node["slug"],
        title=node["title"],
        body=node["body"],
        teaser=None if derived else node["teaser"],
        category=node["category"]["slug"] if node["category"] else None,
        bylines=tuple(
            BylineSpec(
                b["author"]["slug"],
                b["role"],
                b["organization"]["slug"] if b["organization"] else None,
            )
            for b in node["bylines"]
        ),
        published_at=_time(node["publishedAt"]) if published else None,
        publish_at=_time(node["publishAt"]) if scheduled else None,
        previous_slugs=_previous(node),
    )


def _organization(node: dict[str, Any]) -> OrganizationSpec:
    kind = models.OrganizationKind(node["kind"].lower())
    return OrganizationSpec(node["slug"], node["name"], node["shortName"], kind, _previous(node))


def _author(node: dict[str, Any]) -> AuthorSpec:
    affiliations = tuple((a["organization"]["slug"], a["role"]) for a in node["affiliations"])
    return AuthorSpec(node["slug"], node["name"], node["bio"], affiliations, _previous(node))


def _previous(node: dict[str, Any]) -> tuple[str, ...]:
    """An object's old slugs, oldest first (the order they were given up in)."""
    return tuple(reversed(node["previousSlugs"]))


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def export_relay(client: GraphQLClient, slug: str, folder: Path) -> str:
    """Fetch the relay, write the folder, and say what was written."""
    check_writable(folder)
    relay, posts = fetch_relay(client, slug)
    written = write_folder(folder, export_spec(relay, posts))
    line = f"wrote relay.yaml and {len(written)} posts of {slug} to {folder}"
    archived = relay["archived"]["totalCount"]
    if archived:
        line += f"; left out {archived} archived (an import cannot create archived posts)"
    return line


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="export-relay",
        description="Write a relay (drafts included) to a folder: relay.yaml and one Markdown "
        "file per post (GRAPH_URL, GRAPH_TOKEN).",
    )
    parser.add_argument("relay", metavar="RELAY_SLUG")
    parser.add_argument("folder", type=Path, metavar="DIR")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Export; exit 1 with a one-line reason when nothing could be."""
    args = _arguments(argv)
    try:
        with from_environment() as client:
            print(export_relay(client, args.relay, args.folder))
    except (ClientError, ExportError, FolderError, OSError) as error:
        print(f"export-relay: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

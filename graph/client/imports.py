"""Import a relay in one `importRelay` mutation: from an export folder, or a listing page.

Usage: import-relay DIR
       import-relay --listing PAGE --bylines FILE

Both are read into an ImportSpec, checked, then sent whole: the server imports all or
nothing, and keeps rows whose slug exists, so the same import can run again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.client.folder import FolderError, read_folder
from graph.client.http import ClientError, GraphQLClient, from_environment, utc
from graph.client.postfile import PostFileError
from graph.client.results import ERROR_FIELDS, MutationFailed, succeeded
from graph.demo.listing import ListingError
from graph.demo.load import DemoDataError, listing_spec, read_demo
from graph.editing.imports import AuthorSpec, ImportSpec, OrganizationSpec, PostSpec

IMPORT = f"""
mutation ImportRelay($input: ImportRelayInput!) {{
  importRelay(input: $input) {{
    {ERROR_FIELDS}
    ... on ImportSummary {{
      relay {{ slug }}
      postsCreated postsExisting authorsCreated organizationsCreated categoriesCreated
    }}
  }}
}}
"""


def import_variables(spec: ImportSpec) -> dict[str, Any]:
    """The `importRelay` variables for an import: camelCase keys, enum names, ISO times."""
    # The API's enum names are the models' values in upper case (graph/api/types.py).
    relay = spec.relay
    return {
        "input": {
            "relay": {
                "slug": relay.slug,
                "title": relay.title,
                "intro": relay.intro,
                "status": relay.status.value.upper(),
                "startedOn": _iso(relay.started_on),
                "endedOn": _iso(relay.ended_on),
                "previousSlugs": list(relay.previous_slugs),
            },
            "categories": [
                {"slug": c.slug, "name": c.name, "previousSlugs": list(c.previous_slugs)}
                for c in spec.categories
            ],
            "organizations": [_organization(o) for o in spec.organizations],
            "authors": [_author(a) for a in spec.authors],
            "posts": [_post(p) for p in spec.posts],
        }
    }


def _organization(spec: OrganizationSpec) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "name": spec.name,
        "shortName": spec.short_name,
        "kind": spec.kind.value.upper(),
        "previousSlugs": list(spec.previous_slugs),
    }


def _author(spec: AuthorSpec) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "name": spec.name,
        "bio": spec.bio,
        "affiliations": [
            {"organization": organization, "role": role} for organization, role in spec.affiliations
        ],
        "previousSlugs": list(spec.previous_slugs),
    }


def _post(spec: PostSpec) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "title": spec.title,
        "body": spec.body,
        "teaser": spec.teaser,
        "category": spec.category,
        "bylines": [
            {"author": b.author, "role": b.role, "organization": b.organization}
            for b in spec.bylines
        ],
        "publishedAt": _iso(spec.published_at),
        "publishAt": _iso(spec.publish_at),
        "previousSlugs": list(spec.previous_slugs),
    }


def _iso(moment: dt.date | None) -> str | None:
    """ISO 8601: a date, or a time in UTC (see `utc`)."""
    if isinstance(moment, dt.datetime):
        return utc(moment)
    return None if moment is None else moment.isoformat()


def run_import(client: GraphQLClient, spec: ImportSpec) -> dict[str, Any]:
    """Send the import; the ImportSummary, or MutationFailed with the server's reasons."""
    print(f"importing {len(spec.posts)} posts into {spec.relay.slug} …", file=sys.stderr)
    return succeeded(client.data(IMPORT, import_variables(spec)), "importRelay")


def summary_line(summary: dict[str, Any]) -> str:
    """The import's outcome in one line."""
    return (
        f"{summary['relay']['slug']}: created {summary['postsCreated']} posts, "
        f"{summary['postsExisting']} already there; {summary['authorsCreated']} authors, "
        f"{summary['organizationsCreated']} organisations, "
        f"{summary['categoriesCreated']} categories created"
    )


def failure_lines(failure: MutationFailed, labels: Sequence[str]) -> list[str]:
    """Why nothing was imported, then each refused field (posts named by file or title)."""
    lines = [f"import-relay: nothing imported: {failure.reason()}"]
    for error in failure.result.get("fieldErrors") or []:
        lines.append(f"  {_where(error['path'], labels)}: {error['message']}")
    return lines


def _where(path: list[str], labels: Sequence[str]) -> str:
    """The dotted path, with the post's file name or title when it points into `posts`."""
    index = int(path[1]) if path[:1] == ["posts"] and path[1:2] and path[1].isdigit() else -1
    label = f" ({labels[index]})" if 0 <= index < len(labels) else ""
    return ".".join(path) + label


def read_source(args: argparse.Namespace) -> tuple[ImportSpec, list[str]]:
    """The ImportSpec and a label per post, from a folder or a listing with bylines."""
    if args.folder is not None:
        spec, names = read_folder(args.folder)
        source = args.folder
    else:
        listing, bylines = read_demo(args.listing, args.bylines)
        spec = listing_spec(listing, bylines)
        names = [post.title for post in spec.posts]
        source = args.listing
    print(f"parsed {len(spec.posts)} posts from {source}", file=sys.stderr)
    return spec, names


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="import-relay",
        description="Import a relay, all or nothing (GRAPH_URL, GRAPH_TOKEN): from a folder "
        "written by export-relay, or from a listing page and its bylines JSON file.",
    )
    parser.add_argument("folder", nargs="?", type=Path, metavar="DIR")
    parser.add_argument("--listing", type=Path, metavar="PAGE", help="a listing page (text)")
    parser.add_argument("--bylines", type=Path, metavar="FILE", help="the page's bylines JSON")
    args = parser.parse_args(argv)
    from_listing = args.listing is not None or args.bylines is not None
    if (args.folder is None) == (not from_listing):
        parser.error("give either DIR or --listing PAGE --bylines FILE")
    if from_listing and (args.listing is None or args.bylines is None):
        parser.error("--listing and --bylines go together")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Read, import, and print the summary; exit 1 with the reasons if nothing was imported."""
    args = _arguments(argv)
    try:
        spec, labels = read_source(args)
    except (OSError, FolderError, PostFileError, ListingError, DemoDataError) as error:
        print(f"import-relay: nothing imported: {error}", file=sys.stderr)
        return 1
    try:
        with from_environment() as client:
            print(summary_line(run_import(client, spec)))
    except ClientError as error:
        print(f"import-relay: {error}", file=sys.stderr)
        return 1
    except MutationFailed as failure:
        print("\n".join(failure_lines(failure, labels)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

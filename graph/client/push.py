"""Push posts from Markdown files: create or update each, then publish, schedule or unpublish.

Usage: push-post FILE.md [FILE.md …] [--expected-version N]

The post is looked up by the file's slug. A new one is created as a draft; an existing one is
updated with `expectedVersion` set to the version just read, so a concurrent edit is refused
rather than overwritten. The server writes nothing for unchanged input, so pushing the same
file twice reports "unchanged" and leaves the post's version as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.client.http import ClientError, GraphQLClient, from_environment, utc
from graph.client.postfile import PostFile, PostFileError, read_post_file
from graph.client.results import ERROR_FIELDS, MutationFailed, succeeded

POST_FIELDS = "id slug version status publishedAt publishAt relay { slug }"
LOOKUP = f"query PushLookup($slug: String!) {{ post(slug: $slug) {{ {POST_FIELDS} }} }}"


def _mutation(name: str, input_type: str) -> str:
    return (
        f"mutation Push($input: {input_type}!) {{ {name}(input: $input) "
        f"{{ {ERROR_FIELDS} ... on Post {{ {POST_FIELDS} }} }} }}"
    )


MUTATIONS = {
    "createPost": _mutation("createPost", "CreatePostInput"),
    "updatePost": _mutation("updatePost", "UpdatePostInput"),
    "publishPost": _mutation("publishPost", "PublishPostInput"),
    "schedulePost": _mutation("schedulePost", "SchedulePostInput"),
    "unpublishPost": _mutation("unpublishPost", "PostVersionInput"),
}


class PushError(Exception):
    """A file that cannot be pushed as it stands (nothing was sent)."""


class PushFailed(Exception):
    """A mutation refused the push; `saved` names what an earlier step of it wrote, if any."""

    def __init__(self, slug: str, failure: MutationFailed, saved: str | None = None) -> None:
        super().__init__(str(failure))
        self.slug = slug
        self.failure = failure
        self.saved = saved


@dataclass(frozen=True)
class Pushed:
    """What a push did to one post."""

    slug: str
    created: bool
    version_before: int | None
    version_after: int
    status: str

    def describe(self) -> str:
        """One line for the editor: created, updated or unchanged, with status and version."""
        status = self.status.lower()
        if self.created:
            return f"{self.slug}: created, {status} (version {self.version_after})"
        if self.version_before == self.version_after:
            return f"{self.slug}: unchanged, {status} (version {self.version_after})"
        return (
            f"{self.slug}: updated, {status} (version {self.version_before} → {self.version_after})"
        )


def push(client: GraphQLClient, post: PostFile, expected_version: int | None = None) -> Pushed:
    """Create or update the post, then bring its status to what the file asks for."""
    if (post.publish or post.publish_at) and not post.body.strip():
        # The server refuses this too, but only at the publish step, after saving the text.
        raise PushError("a post needs a body before it can be published")
    found = client.data(LOOKUP, {"slug": post.slug})["post"]
    if found is None:
        current = _create(client, post, expected_version)
    else:
        current = _update(client, post, found, expected_version)
    step = status_step(post, current)
    if step is not None:
        mutation, fields = step
        saved = "new draft" if found is None else _saved_update(found, current)
        try:
            current = _write(client, mutation, {**fields, "id": current["id"]}, current["version"])
        except MutationFailed as failure:
            raise PushFailed(post.slug, failure, saved) from failure
    before = None if found is None else int(found["version"])
    return Pushed(post.slug, found is None, before, current["version"], current["status"])


def _saved_update(found: dict[str, Any], current: dict[str, Any]) -> str | None:
    return "content update" if current["version"] != found["version"] else None


def _create(client: GraphQLClient, post: PostFile, expected_version: int | None) -> dict[str, Any]:
    if expected_version is not None:
        raise PushError(f"--expected-version: there is no post {post.slug!r} yet")
    if post.relay is None:
        raise PushError(f"there is no post {post.slug!r} yet; to create it, give 'relay'")
    fields = {"relay": post.relay, "slug": post.slug, **content_fields(post)}
    try:
        return succeeded(client.data(MUTATIONS["createPost"], {"input": fields}), "createPost")
    except MutationFailed as failure:
        raise PushFailed(post.slug, failure) from failure


def _update(
    client: GraphQLClient, post: PostFile, found: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    relay = found["relay"]["slug"]
    if post.relay is not None and post.relay != relay:
        raise PushError(f"post {post.slug!r} is in relay {relay!r}, not {post.relay!r}")
    version = found["version"] if expected_version is None else expected_version
    fields = {**content_fields(post), "id": found["id"]}
    try:
        return _write(client, "updatePost", fields, version)
    except MutationFailed as failure:
        raise PushFailed(post.slug, failure) from failure


def _write(
    client: GraphQLClient, mutation: str, fields: dict[str, Any], version: int
) -> dict[str, Any]:
    variables = {"input": {**fields, "expectedVersion": version}}
    return succeeded(client.data(MUTATIONS[mutation], variables), mutation)


def content_fields(post: PostFile) -> dict[str, Any]:
    """Title, body, teaser, category and bylines; absent ones are sent as null or empty.

    Sending them all makes the file the whole truth: a teaser or category removed from the
    file is removed from the post (a null teaser is cut from the body again).
    """
    return {
        "title": post.title,
        "body": post.body,
        "teaser": post.teaser,
        "category": post.category,
        "bylines": [
            {"author": b.author, "role": b.role, "organization": b.organization}
            for b in post.bylines
        ],
    }


def status_step(post: PostFile, current: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The status mutation the file asks for, if the post is not in that state already."""
    # The server would write nothing for these either; skipping them saves a round trip.
    status = current["status"]
    if post.publish is True:
        if status == "PUBLISHED" and _same_time(current["publishedAt"], post.published_at):
            return None
        return "publishPost", {"publishedAt": _iso(post.published_at)}
    if post.publish is False:
        return ("unpublishPost", {}) if status in ("PUBLISHED", "SCHEDULED") else None
    if post.publish_at is not None:
        if status == "SCHEDULED" and _same_time(current["publishAt"], post.publish_at):
            return None
        if status == "PUBLISHED" and post.publish_at <= dt.datetime.now(dt.UTC):
            return None  # it went live as scheduled
        return "schedulePost", {"publishAt": _iso(post.publish_at)}
    return None


def _same_time(server: str | None, wanted: dt.datetime | None) -> bool:
    """Whether the server's time is the one the file wants (no time wanted: any will do).

    Compared as instants: the server answers in Copenhagen time, files may use other offsets.
    """
    if wanted is None:
        return server is not None
    return server is not None and dt.datetime.fromisoformat(server) == wanted


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else utc(moment)


def failure_lines(path: Path, error: PushFailed) -> list[str]:
    """What to print for a refused push: one line, then each refused field."""
    failure = error.failure
    if failure.kind == "VersionConflict":
        reason = (
            f"version conflict: the post changed on the server since it was read "
            f"(it is at version {failure.result['currentVersion']})"
        )
    else:
        reason = failure.reason()
    written = "nothing written"
    if error.saved:
        written = f"{failure.mutation} wrote nothing, but the {error.saved} before it was saved"
    lines = [f"{path}: {error.slug}: {reason}; {written}"]
    return lines + [f"  {line}" for line in failure.field_errors()]


def _push_file(client: GraphQLClient, path: Path, expected_version: int | None) -> bool:
    """Push one file, printing the outcome; False when it failed."""
    try:
        post = read_post_file(path)
        if post.slug_derived:
            print(f"{path}: no slug in the front matter; using {post.slug!r}", file=sys.stderr)
        print(f"{path}: {push(client, post, expected_version).describe()}")
        return True
    except PostFileError as error:
        print(f"push-post: {error}", file=sys.stderr)
    except PushError as error:
        print(f"push-post: {path}: {error}", file=sys.stderr)
    except PushFailed as error:
        print("\n".join(failure_lines(path, error)), file=sys.stderr)
    return False


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="push-post",
        description="Create or update posts from Markdown files with YAML front matter "
        "(GRAPH_URL, GRAPH_TOKEN).",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.md")
    parser.add_argument(
        "--expected-version",
        type=int,
        help="update only if the post is at this version (default: the version just read)",
    )
    args = parser.parse_args(argv)
    if args.expected_version is not None and len(args.files) > 1:
        parser.error("--expected-version takes exactly one file")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Push each file; exit 1 if any of them failed (the others are still pushed)."""
    args = _arguments(argv)
    try:
        with from_environment() as client:
            results = [_push_file(client, path, args.expected_version) for path in args.files]
    except ClientError as error:
        print(f"push-post: {error}", file=sys.stderr)
        return 1
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

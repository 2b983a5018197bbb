"""A post's revision history: one revision per write, who made it and what changed, and
bringing an old revision's content back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, field_errors, global_id, run

from graph import models


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def history(desk: Desk, post: dict[str, Any]) -> list[dict[str, Any]]:
    """The post's revisions as an editor reads them, newest first."""
    read = await desk.read(post["id"])
    assert read is not None
    revisions: list[dict[str, Any]] = read["revisions"]
    return revisions


def changed(revision: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """field -> (old, new) for one revision."""
    return {change["field"]: (change["old"], change["new"]) for change in revision["changes"]}


async def test_creating_a_post_records_revision_one_by_the_editor(desk: Desk) -> None:
    post = await desk.post(title="Første titel", body="Første tekst.")
    (revision,) = await history(desk, post)
    assert (revision["version"], revision["actor"]) == (1, "test-editor")
    changes = changed(revision)
    assert changes["title"] == (None, "Første titel")
    assert changes["body"] == (None, "Første tekst.")
    assert changes["slug"] == (None, post["slug"])


# The fields FieldChange.field is documented to name.
POST_FIELDS = {
    "title", "slug", "teaser", "body", "category", "bylines", "status", "publishedAt", "publishAt",
    "pending",
}  # fmt: skip


async def test_revisions_name_only_the_documented_post_fields(desk: Desk) -> None:
    post = await desk.post(teaser="Skrevet.")
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, teaser="")
    await desk.ok("publishPost", id=post["id"], expectedVersion=2)
    fields = {change["field"] for r in await history(desk, post) for change in r["changes"]}
    assert fields <= POST_FIELDS


async def test_an_edit_adds_one_revision_with_only_the_changed_field(desk: Desk) -> None:
    post = await desk.post(title="Gammel titel")
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Ny titel")
    newest, oldest = await history(desk, post)
    assert (newest["version"], newest["actor"], oldest["version"]) == (2, "test-editor", 1)
    assert changed(newest) == {"title": ("Gammel titel", "Ny titel")}


async def test_a_body_edit_records_the_teaser_cut_from_it_too(desk: Desk) -> None:
    post = await desk.post(body="Gammel tekst.")
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, body="Ny tekst.")
    newest = (await history(desk, post))[0]
    assert changed(newest) == {
        "teaser": ("Gammel tekst.", "Ny tekst."),
        "body": ("Gammel tekst.", "Ny tekst."),
    }


async def test_a_byline_change_records_old_and_new_bylines(desk: Desk) -> None:
    first, second = await desk.author(), await desk.author()
    post = await desk.post(bylines=[{"author": first["slug"]}])
    await desk.ok(
        "setBylines",
        id=post["id"],
        expectedVersion=1,
        bylines=[{"author": second["slug"], "role": "chef"}],
    )
    newest = (await history(desk, post))[0]
    assert changed(newest) == {
        "bylines": (
            [{"author": first["slug"], "role": None, "organization": None}],
            [{"author": second["slug"], "role": "chef", "organization": None}],
        )
    }


async def test_publishing_records_the_status_and_time(desk: Desk) -> None:
    post = await desk.post()
    published = await desk.ok(
        "publishPost", id=post["id"], expectedVersion=1, publishedAt="2020-05-01T10:00:00+00:00"
    )
    newest = (await history(desk, post))[0]
    changes = changed(newest)
    assert set(changes) == {"status", "publishedAt"}
    assert changes["status"][0].upper() == "DRAFT"
    assert changes["status"][1].upper() == "PUBLISHED"
    assert changes["publishedAt"][0] is None
    recorded = dt.datetime.fromisoformat(changes["publishedAt"][1])
    assert recorded == dt.datetime.fromisoformat(published["publishedAt"])


async def test_revisions_are_listed_newest_first(desk: Desk) -> None:
    post = await desk.post()
    for version, title in enumerate(["To", "Tre", "Fire"], start=1):
        await desk.ok("updatePost", id=post["id"], expectedVersion=version, title=title)
    revisions = await history(desk, post)
    assert [revision["version"] for revision in revisions] == [4, 3, 2, 1]
    times = [dt.datetime.fromisoformat(revision["createdAt"]) for revision in revisions]
    assert times == sorted(times, reverse=True)


async def test_revision_time_is_copenhagen_time(desk: Desk) -> None:
    post = await desk.post()
    document = f'{{ node(id: "{post["id"]}") {{ ... on Post {{ revisions {{ createdAt }} }} }} }}'
    (revision,) = (await desk.editor.data(document))["node"]["revisions"]
    created = dt.datetime.fromisoformat(revision["createdAt"])
    assert created.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=1)


async def test_a_write_that_changes_nothing_adds_no_revision(desk: Desk) -> None:
    post = await desk.post(title="Uændret")
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Uændret")
    assert [revision["version"] for revision in await history(desk, post)] == [1]


async def test_an_admins_write_is_recorded_under_the_admins_token_name(
    desk: Desk, admin: GraphQL
) -> None:
    post = await desk.post()
    result = await run(admin, "updatePost", id=post["id"], expectedVersion=1, title="Af admin")
    assert result["__typename"] == "Post"
    assert [r["actor"] for r in await history(desk, post)] == ["test-admin", "test-editor"]


async def test_restore_brings_back_an_old_title_and_body_as_a_new_revision(desk: Desk) -> None:
    post = await desk.post(title="Original", body="Den *oprindelige* tekst.")
    await desk.ok(
        "updatePost", id=post["id"], expectedVersion=1, title="Omskrevet", body="Ny tekst."
    )
    original = (await history(desk, post))[-1]
    restored = await desk.ok("restorePostRevision", revisionId=original["id"], expectedVersion=2)
    assert (restored["title"], restored["body"], restored["version"]) == (
        "Original",
        "Den *oprindelige* tekst.",
        3,
    )
    assert restored["html"] == "<p>Den <em>oprindelige</em> tekst.</p>\n"
    assert restored["teaser"] == "Den oprindelige tekst."
    newest, *older = await history(desk, post)
    assert (newest["version"], len(older)) == (3, 2)
    assert changed(newest)["title"] == ("Omskrevet", "Original")


async def test_restore_brings_back_old_bylines_and_category(desk: Desk) -> None:
    author, other = await desk.author(), await desk.author()
    category = await desk.category()
    post = await desk.post(bylines=[{"author": author["slug"]}], category=category["slug"])
    await desk.ok(
        "updatePost",
        id=post["id"],
        expectedVersion=1,
        bylines=[{"author": other["slug"]}],
        category=None,
    )
    original = (await history(desk, post))[-1]
    restored = await desk.ok("restorePostRevision", revisionId=original["id"], expectedVersion=2)
    assert [byline["author"]["slug"] for byline in restored["bylines"]] == [author["slug"]]
    assert restored["category"] == {"slug": category["slug"]}


async def test_restore_keeps_a_published_post_published(desk: Desk, gql: GraphQL) -> None:
    post = await desk.published(await desk.relay(), title="Før")
    await desk.ok("updatePost", id=post["id"], expectedVersion=2, title="Efter")
    draft_revision = (await history(desk, post))[-1]
    restored = await desk.ok(
        "restorePostRevision", revisionId=draft_revision["id"], expectedVersion=3
    )
    assert (restored["status"], restored["title"], restored["leg"]) == ("PUBLISHED", "Før", 1)
    public = await gql.data(f'{{ post(slug: "{post["slug"]}") {{ title }} }}')
    assert public == {"post": {"title": "Før"}}


async def test_restore_of_the_current_content_writes_nothing(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    (current,) = await history(desk, post)
    same = await desk.ok("restorePostRevision", revisionId=current["id"], expectedVersion=1)
    assert same["version"] == 1
    assert await desk.read(post["id"]) == before


async def test_restore_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    post = await desk.post(title="Original")
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Anden")
    original = (await history(desk, post))[-1]
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "restorePostRevision", revisionId=original["id"], expectedVersion=1
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


async def test_restore_of_an_unknown_revision_is_not_found(desk: Desk) -> None:
    result = await run(
        desk.editor,
        "restorePostRevision",
        revisionId=global_id("PostRevision", 10**9),
        expectedVersion=1,
    )
    assert result["__typename"] == "NotFound"


async def test_restore_of_a_post_id_instead_of_a_revision_is_not_found(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    result = await run(desk.editor, "restorePostRevision", revisionId=post["id"], expectedVersion=1)
    assert result["__typename"] == "NotFound"
    assert await desk.read(post["id"]) == before


async def test_restore_of_a_slug_since_taken_by_another_post_is_slug_taken(desk: Desk) -> None:
    relay = await desk.relay()
    post = await desk.post(relay)
    old_slug, new_slug = post["slug"], desk.slug("flyttet")
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, slug=new_slug)
    await desk.post(relay, slug=old_slug)  # another post takes the freed slug
    original = (await history(desk, post))[-1]
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "restorePostRevision", revisionId=original["id"], expectedVersion=2
    )
    assert (result["__typename"], result["slug"]) == ("SlugTaken", old_slug)
    assert await desk.read(post["id"]) == before


async def test_restore_of_a_byline_whose_author_is_gone_is_refused(desk: Desk) -> None:
    author, other = await desk.author(), await desk.author()
    post = await desk.post(bylines=[{"author": author["slug"]}])
    await desk.ok(
        "setBylines", id=post["id"], expectedVersion=1, bylines=[{"author": other["slug"]}]
    )
    await models.Author.filter(slug=author["slug"]).delete()
    original = (await history(desk, post))[-1]
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "restorePostRevision", revisionId=original["id"], expectedVersion=2
    )
    assert field_errors(result) == [(["bylines", "0", "author"], "UNKNOWN")]
    assert await desk.read(post["id"]) == before


REVISIONS_BY_SLUG = "query ($slug: String!) { post(slug: $slug) { title revisions { version } } }"


async def test_readers_without_a_token_get_no_revisions(desk: Desk, gql: GraphQL) -> None:
    post = await desk.published(await desk.relay())
    data = await gql.data(REVISIONS_BY_SLUG, slug=post["slug"])
    assert data == {"post": {"title": post["title"], "revisions": None}}


async def test_a_revoked_token_gets_no_revisions(desk: Desk, client: httpx.AsyncClient) -> None:
    post = await desk.published(await desk.relay())
    async with editing.revoked_token(f"revoked-{desk.tag}") as token:
        caller = GraphQL(client, {"Authorization": f"Bearer {token}"})
        data = await caller.data(REVISIONS_BY_SLUG, slug=post["slug"])
    assert data == {"post": {"title": post["title"], "revisions": None}}

"""Staged edits of published posts: kept beside the live post until published or discarded.

Anonymous readers and the response cache see the live post only; editors see the staged
edit in `Post.pending`; revisions record staging, applying and discarding.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk, field_errors, letters, run

PENDING = """pending { title slug teaser teaserDerived body html changedFields stagedBy stagedAt
  category { slug } bylines { role author { slug } organization { slug } } }"""
EDITOR_VIEW = f"""query ($slug: String!) {{ post(slug: $slug) {{ title body version {PENDING}
  revisions(first: 1) {{ version changes {{ field old new }} }} }} }}"""
PUBLIC = """query ($slug: String!) {
  post(slug: $slug) { title teaser body html bylines { author { slug } } category { slug } } }"""
SEARCH = "query ($q: String!) { search(query: $q) { totalCount } }"


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
async def reader(database: str) -> AsyncIterator[Cached]:
    async for app in cached_app(database):
        yield app


@pytest.fixture
async def live(desk: Desk) -> dict[str, Any]:
    """A published post (version 2), with its relay's slug."""
    relay = await desk.relay()
    post = await desk.published(relay, body="Den *trykte* tekst.")
    return {**post, "relay": relay["slug"]}


async def stage(desk: Desk, post: dict[str, Any], version: int, **fields: Any) -> dict[str, Any]:
    return await desk.ok("updatePost", id=post["id"], expectedVersion=version, stage=True, **fields)


async def editor_view(desk: Desk, post: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = (await desk.editor.data(EDITOR_VIEW, slug=post["slug"]))["post"]
    return found


async def public(reader: Cached, slug: str) -> tuple[dict[str, Any], str]:
    response = await reader.post(PUBLIC, slug=slug)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["post"], response.headers.get("x-cache", "")


async def test_a_staged_edit_reaches_no_anonymous_or_cached_answer_until_published(
    desk: Desk, reader: Cached, live: dict[str, Any]
) -> None:
    word = letters()
    before, _ = await public(reader, live["slug"])
    assert (await public(reader, live["slug"]))[1] == "HIT"
    await stage(desk, live, 2, title="Ny overskrift", body=f"Ny tekst om {word}.")
    assert (await public(reader, live["slug"]))[0] == before
    assert (await desk.editor.data(SEARCH, q=word))["search"]["totalCount"] == 0
    await desk.ok("publishPost", id=live["id"], expectedVersion=3)
    after, state = await public(reader, live["slug"])
    assert state == "MISS"
    assert (after["title"], after["body"]) == ("Ny overskrift", f"Ny tekst om {word}.")
    assert after["html"] == f"<p>Ny tekst om {word}.</p>\n"
    assert (await reader.post(SEARCH, q=word)).json()["data"]["search"]["totalCount"] == 1


async def test_staging_drops_only_answers_that_hold_the_post(
    desk: Desk, reader: Cached, live: dict[str, Any]
) -> None:
    # Staging bumps the post's `version`, which anonymous answers show: those holding the
    # post are recomputed (to the same live content); lists elsewhere stay cached.
    quiet = await desk.relay()
    await desk.published(quiet)
    page = "query ($slug: String!) { relay(slug: $slug) { posts { edges { node { title } } } } }"
    for slug in (quiet["slug"], quiet["slug"], live["relay"], live["relay"]):
        await reader.post(page, slug=slug)
    await stage(desk, live, 2, title="Ny overskrift")
    assert (await reader.post(page, slug=quiet["slug"])).headers["x-cache"] == "HIT"
    again = await reader.post(page, slug=live["relay"])
    assert again.headers["x-cache"] == "MISS"
    assert again.json()["data"]["relay"]["posts"]["edges"] == [{"node": {"title": live["title"]}}]


async def test_an_editor_sees_the_staged_edit_beside_the_live_post(
    desk: Desk, gql: GraphQL, live: dict[str, Any]
) -> None:
    await stage(desk, live, 2, title="Ny overskrift")
    post = await editor_view(desk, live)
    assert (post["title"], post["version"]) == (live["title"], 3)
    pending = post["pending"]
    assert (pending["title"], pending["body"], pending["changedFields"]) == (
        "Ny overskrift",
        live["body"],
        ["title"],
    )
    assert (pending["stagedBy"], pending["slug"]) == ("test-editor", live["slug"])
    anonymous = await gql.data(
        "query ($s: String!) { post(slug: $s) { pending { title } } }", s=live["slug"]
    )
    assert anonymous == {"post": {"pending": None}}


async def test_a_second_staged_edit_builds_on_the_first(desk: Desk, live: dict[str, Any]) -> None:
    await stage(desk, live, 2, title="Ny overskrift")
    await stage(desk, live, 3, body="Ny tekst.")
    pending = (await editor_view(desk, live))["pending"]
    assert (pending["title"], pending["body"], pending["teaser"]) == (
        "Ny overskrift",
        "Ny tekst.",
        "Ny tekst.",
    )
    assert pending["changedFields"] == ["title", "teaser", "body"]


async def test_staging_the_live_content_again_leaves_nothing_pending(
    desk: Desk, live: dict[str, Any]
) -> None:
    await stage(desk, live, 2, title="Ny overskrift")
    await stage(desk, live, 3, title=live["title"])
    assert (await editor_view(desk, live))["pending"] is None


async def test_publishing_applies_bylines_and_category_too(
    desk: Desk, gql: GraphQL, live: dict[str, Any]
) -> None:
    author, organization = await desk.author(), await desk.organization()
    category = await desk.category()
    byline = {"author": author["slug"], "role": "Chef", "organization": organization["slug"]}
    await stage(desk, live, 2, bylines=[byline], category=category["slug"])
    pending = (await editor_view(desk, live))["pending"]
    assert pending["changedFields"] == ["category", "bylines"]
    assert pending["bylines"] == [
        {"role": "Chef", "author": {"slug": author["slug"]}, "organization": byline_org(byline)}
    ]
    assert (await public_post(gql, live))["bylines"] == []
    published = await desk.ok("publishPost", id=live["id"], expectedVersion=3)
    assert (published["version"], published["category"]) == (4, {"slug": category["slug"]})
    now = await public_post(gql, live)
    assert (now["bylines"], now["category"]) == (
        [{"author": {"slug": author["slug"]}}],
        {"slug": category["slug"]},
    )
    assert (await editor_view(desk, live))["pending"] is None


def byline_org(byline: dict[str, Any]) -> dict[str, Any]:
    return {"slug": byline["organization"]}


async def public_post(gql: GraphQL, post: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(PUBLIC, slug=post["slug"]))["post"]
    return found


def changes(view: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    (revision,) = view["revisions"]
    return {change["field"]: (change["old"], change["new"]) for change in revision["changes"]}


async def test_revisions_record_staging_and_publishing(desk: Desk, live: dict[str, Any]) -> None:
    await stage(desk, live, 2, title="Ny overskrift")
    assert changes(await editor_view(desk, live)) == {"pending": (None, {"title": "Ny overskrift"})}
    await desk.ok("publishPost", id=live["id"], expectedVersion=3)
    assert changes(await editor_view(desk, live)) == {
        "title": (live["title"], "Ny overskrift"),
        "pending": ({"title": "Ny overskrift"}, None),
    }


async def test_discarding_drops_the_staged_edit_and_records_it(
    desk: Desk, live: dict[str, Any]
) -> None:
    await stage(desk, live, 2, title="Ny overskrift")
    discarded = await desk.ok("discardPendingChanges", post=live["id"], expectedVersion=3)
    assert (discarded["title"], discarded["version"]) == (live["title"], 4)
    view = await editor_view(desk, live)
    assert view["pending"] is None
    assert changes(view) == {"pending": ({"title": "Ny overskrift"}, None)}
    republished = await desk.ok("publishPost", id=live["id"], expectedVersion=4)
    assert (republished["title"], republished["version"]) == (live["title"], 4)


async def test_discarding_with_nothing_staged_writes_nothing(
    desk: Desk, live: dict[str, Any]
) -> None:
    result = await desk.ok("discardPendingChanges", post=live["id"], expectedVersion=2)
    assert result["version"] == 2


async def test_staging_on_a_draft_is_refused_and_writes_nothing(desk: Desk) -> None:
    draft = await desk.post()
    result = await run(
        desk.editor, "updatePost", id=draft["id"], expectedVersion=1, stage=True, title="X"
    )
    assert field_errors(result) == [(["stage"], "INVALID")]
    assert (await desk.read(draft["id"]) or {})["version"] == 1


async def test_a_live_edit_beside_a_staged_one_is_refused(desk: Desk, live: dict[str, Any]) -> None:
    await stage(desk, live, 2, title="Ny overskrift")
    result = await run(desk.editor, "updatePost", id=live["id"], expectedVersion=3, title="Y")
    assert field_errors(result) == [(["stage"], "INVALID")]
    assert (await editor_view(desk, live))["title"] == live["title"]


async def test_staging_on_an_old_version_is_a_version_conflict(
    desk: Desk, live: dict[str, Any]
) -> None:
    await stage(desk, live, 2, title="Først")
    result = await run(
        desk.editor, "updatePost", id=live["id"], expectedVersion=2, stage=True, title="Sidst"
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 3)
    assert (await editor_view(desk, live))["pending"]["title"] == "Først"


async def test_a_staged_edit_is_checked_like_a_live_one(desk: Desk, live: dict[str, Any]) -> None:
    result = await run(
        desk.editor,
        "updatePost",
        id=live["id"],
        expectedVersion=2,
        stage=True,
        title=" ",
        category="nej",
    )
    assert field_errors(result) == [(["title"], "REQUIRED"), (["category"], "UNKNOWN")]
    assert (await editor_view(desk, live))["pending"] is None

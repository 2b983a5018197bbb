"""Slugs that never break: every old slug of an object still finds it, and `slug` says the
current one (a frontend answers 301); a live slug wins over another object's old one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import GraphQL, StatementCounter
from fixtures import editing
from fixtures.editing import Desk, run

from graph import models

KINDS = ("relay", "post", "author", "organization", "category")
UPDATE = {
    "relay": "updateRelay",
    "post": "updatePost",
    "author": "updateAuthor",
    "organization": "updateOrganization",
}


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def make(desk: Desk, kind: str, **fields: Any) -> dict[str, Any]:
    """A new public object of `kind` (a post is published in a relay of its own)."""
    if kind == "post":
        return await desk.published(await desk.relay(), **fields)
    maker = {
        "relay": desk.relay,
        "author": desk.author,
        "organization": desk.organization,
        "category": desk.category,
    }[kind]
    return await maker(**fields)


async def rename(desk: Desk, kind: str, thing: dict[str, Any], slug: str) -> dict[str, Any]:
    """The object with its slug changed to `slug` (through the API, as an editor)."""
    if kind == "category":
        return await desk.ok("updateCategory", category=thing["slug"], slug=slug)
    return await desk.ok(UPDATE[kind], id=thing["id"], expectedVersion=thing["version"], slug=slug)


async def lookup(caller: GraphQL, kind: str, slug: str) -> dict[str, Any] | None:
    document = f"query ($slug: String!) {{ found: {kind}(slug: $slug) {{ slug }} }}"
    found: dict[str, Any] | None = (await caller.data(document, slug=slug))["found"]
    return found


async def previous_slugs(caller: GraphQL, kind: str, slug: str) -> list[str]:
    document = f"query ($slug: String!) {{ found: {kind}(slug: $slug) {{ previousSlugs }} }}"
    slugs: list[str] = (await caller.data(document, slug=slug))["found"]["previousSlugs"]
    return slugs


@pytest.mark.parametrize("kind", KINDS)
async def test_both_old_slugs_find_the_object_after_two_renames(
    desk: Desk, gql: GraphQL, kind: str
) -> None:
    first = await make(desk, kind)
    second = await rename(desk, kind, first, desk.slug("nyt"))
    third = await rename(desk, kind, second, desk.slug("nyere"))
    for slug in (first["slug"], second["slug"], third["slug"]):
        assert await lookup(gql, kind, slug) == {"slug": third["slug"]}
    assert await previous_slugs(gql, kind, first["slug"]) == [second["slug"], first["slug"]]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_new_object_with_an_old_slug_wins_it(desk: Desk, gql: GraphQL, kind: str) -> None:
    old = await make(desk, kind)
    renamed = await rename(desk, kind, old, desk.slug("nyt"))
    newcomer = await make(desk, kind, slug=old["slug"])
    assert newcomer["slug"] == old["slug"]
    assert await lookup(gql, kind, old["slug"]) == {"slug": old["slug"]}
    assert await previous_slugs(gql, kind, old["slug"]) == []
    assert await lookup(gql, kind, renamed["slug"]) == {"slug": renamed["slug"]}


@pytest.mark.parametrize("kind", KINDS)
async def test_renaming_back_to_an_old_slug_makes_it_live_again(
    desk: Desk, gql: GraphQL, kind: str
) -> None:
    first = await make(desk, kind)
    second = await rename(desk, kind, first, desk.slug("nyt"))
    back = await rename(desk, kind, second, first["slug"])
    assert await lookup(gql, kind, second["slug"]) == {"slug": first["slug"]}
    assert await previous_slugs(gql, kind, back["slug"]) == [second["slug"]]


async def test_an_old_slug_moves_to_the_object_that_had_it_last(desk: Desk, gql: GraphQL) -> None:
    a = await desk.relay()
    await rename(desk, "relay", a, desk.slug("a"))
    b = await desk.relay(slug=a["slug"])
    b_renamed = await rename(desk, "relay", b, desk.slug("b"))
    assert await lookup(gql, "relay", a["slug"]) == {"slug": b_renamed["slug"]}


async def test_post_filters_take_old_slugs(desk: Desk, gql: GraphQL) -> None:
    author, organization, category = (
        await desk.author(),
        await desk.organization(),
        await desk.category(),
    )
    relay = await desk.relay()
    byline = {"author": author["slug"], "organization": organization["slug"]}
    post = await desk.published(relay, category=category["slug"], bylines=[byline])
    olds = {"relay": relay["slug"], "author": author["slug"]}
    olds |= {"organization": organization["slug"], "category": category["slug"]}
    for kind, thing in (
        ("relay", relay),
        ("author", author),
        ("organization", organization),
        ("category", category),
    ):
        await rename(desk, kind, thing, desk.slug("nyt"))
    document = """query ($filter: PostFilter!) {
      posts(filter: $filter) { edges { node { slug } } } }"""
    for field, slug in olds.items():
        data = await gql.data(document, filter={field: slug})
        assert data["posts"]["edges"] == [{"node": {"slug": post["slug"]}}], field
    assert (await gql.data(document, filter=olds))["posts"]["edges"] != []


async def test_a_draft_with_an_old_slug_hides_nothing_until_published(
    desk: Desk, gql: GraphQL, editor: GraphQL
) -> None:
    relay = await desk.relay()
    published = await desk.published(relay)
    renamed = await rename(desk, "post", published, desk.slug("nyt"))
    draft = await desk.post(relay, slug=published["slug"])
    # Readers keep reaching the published post; the editor sees who holds the slug now.
    assert await lookup(gql, "post", published["slug"]) == {"slug": renamed["slug"]}
    assert await lookup(editor, "post", published["slug"]) == {"slug": draft["slug"]}
    await desk.ok("publishPost", id=draft["id"], expectedVersion=draft["version"])
    assert await lookup(gql, "post", published["slug"]) == {"slug": draft["slug"]}


async def test_a_refused_rename_keeps_no_old_slug(desk: Desk, gql: GraphQL) -> None:
    relay, other = await desk.relay(), await desk.relay()
    result = await run(
        desk.editor, "updateRelay", id=relay["id"], expectedVersion=1, slug=other["slug"]
    )
    assert result["__typename"] == "SlugTaken"
    assert not await models.SlugHistory.filter(slug=relay["slug"]).exists()
    assert await previous_slugs(gql, "relay", relay["slug"]) == []


@pytest.mark.parametrize("kind", KINDS)
async def test_a_lookup_by_an_old_slug_costs_no_more_statements(
    desk: Desk, gql: GraphQL, sql_statements: StatementCounter, kind: str
) -> None:
    old = await make(desk, kind)
    new = await rename(desk, kind, old, desk.slug("nyt"))
    counts = []
    for slug in (new["slug"], old["slug"], desk.slug("ukendt")):
        sql_statements.statements.clear()
        await lookup(gql, kind, slug)
        counts.append(len(sql_statements.statements))
    assert counts[0] == counts[1] == counts[2], counts

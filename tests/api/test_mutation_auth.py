"""Who may write: every mutation refuses a caller without a valid token, and writes nothing.

A refusal is a typed `Forbidden`, never an HTTP or GraphQL error, and it looks the same
whether or not the object named exists, so it reveals nothing about drafts.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, global_id, later, run

Read = Callable[[], Awaitable[Any]]
Prepare = Callable[[Desk], Awaitable[tuple[dict[str, Any], Read]]]


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
async def revoked(client: httpx.AsyncClient, desk: Desk) -> AsyncIterator[GraphQL]:
    """A caller whose editor token has been revoked."""
    async with editing.revoked_token(f"revoked-{desk.tag}") as token:
        yield GraphQL(client, {"Authorization": f"Bearer {token}"})


@pytest.fixture(params=["no header", "unknown token", "not bearer", "empty bearer"])
def stranger(request: pytest.FixtureRequest, client: httpx.AsyncClient) -> GraphQL:
    """A caller with no valid token, in each way a request can lack one."""
    headers = {
        "no header": {},
        "unknown token": {"Authorization": f"Bearer graph_{secrets.token_urlsafe(32)}"},
        "not bearer": {"Authorization": "Basic dGVzdDp0ZXN0"},
        "empty bearer": {"Authorization": "Bearer "},
    }[request.param]
    return GraphQL(client, headers)


def by_slug(desk: Desk, field: str, slug: str) -> Read:
    async def read() -> Any:
        return (await desk.editor.data(f'{{ found: {field}(slug: "{slug}") {{ slug }} }}'))["found"]

    return read


def by_id(desk: Desk, object_id: str) -> Read:
    async def read() -> Any:
        return await desk.read(object_id)

    return read


async def create_relay(desk: Desk) -> tuple[dict[str, Any], Read]:
    slug = desk.slug("stafet")
    return {"title": "Stafet", "slug": slug}, by_slug(desk, "relay", slug)


async def update_relay(desk: Desk) -> tuple[dict[str, Any], Read]:
    relay = await desk.relay()
    return {"id": relay["id"], "expectedVersion": 1, "title": "Ny"}, by_id(desk, relay["id"])


async def create_post(desk: Desk) -> tuple[dict[str, Any], Read]:
    relay, slug = await desk.relay(), desk.slug("indlaeg")
    return {"relay": relay["slug"], "title": "T", "slug": slug}, by_slug(desk, "post", slug)


async def update_post(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    return {"id": post["id"], "expectedVersion": 1, "title": "Ny"}, by_id(desk, post["id"])


async def set_bylines(desk: Desk) -> tuple[dict[str, Any], Read]:
    post, author = await desk.post(), await desk.author()
    bylines = [{"author": author["slug"]}]
    return {"id": post["id"], "expectedVersion": 1, "bylines": bylines}, by_id(desk, post["id"])


async def publish_post(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    return {"id": post["id"], "expectedVersion": 1}, by_id(desk, post["id"])


async def unpublish_post(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.published(await desk.relay())
    return {"id": post["id"], "expectedVersion": 2}, by_id(desk, post["id"])


async def schedule_post(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    input = {"id": post["id"], "expectedVersion": 1, "publishAt": later()}
    return input, by_id(desk, post["id"])


async def archive_post(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    return {"id": post["id"], "expectedVersion": 1}, by_id(desk, post["id"])


async def restore_post_revision(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Ny")
    first = (await desk.read(post["id"]) or {})["revisions"][-1]
    return {"revisionId": first["id"], "expectedVersion": 2}, by_id(desk, post["id"])


async def create_author(desk: Desk) -> tuple[dict[str, Any], Read]:
    slug = desk.slug("skribent")
    return {"name": "Anne", "slug": slug}, by_slug(desk, "author", slug)


async def update_author(desk: Desk) -> tuple[dict[str, Any], Read]:
    author = await desk.author()
    return {"id": author["id"], "expectedVersion": 1, "bio": "Ny"}, by_id(desk, author["id"])


async def set_affiliations(desk: Desk) -> tuple[dict[str, Any], Read]:
    author, organization = await desk.author(), await desk.organization()
    input = {
        "authorId": author["id"],
        "expectedVersion": 1,
        "affiliations": [{"organization": organization["slug"]}],
    }
    return input, by_id(desk, author["id"])


async def create_organization(desk: Desk) -> tuple[dict[str, Any], Read]:
    slug = desk.slug("kommune")
    return {"name": "Kommune", "slug": slug}, by_slug(desk, "organization", slug)


async def update_organization(desk: Desk) -> tuple[dict[str, Any], Read]:
    organization = await desk.organization()
    input = {"id": organization["id"], "expectedVersion": 1, "kind": "NGO"}
    return input, by_id(desk, organization["id"])


async def create_category(desk: Desk) -> tuple[dict[str, Any], Read]:
    slug = desk.slug("emne")
    return {"name": "Emne", "slug": slug}, by_slug(desk, "category", slug)


async def import_relay(desk: Desk) -> tuple[dict[str, Any], Read]:
    slug = desk.slug("importeret")
    return {"relay": {"slug": slug, "title": "Importeret"}, "posts": []}, by_slug(
        desk, "relay", slug
    )


# Each mutation, with a valid input an editor could send and how to read back its target.
MUTATIONS: dict[str, Prepare] = {
    "createRelay": create_relay,
    "updateRelay": update_relay,
    "createPost": create_post,
    "updatePost": update_post,
    "setBylines": set_bylines,
    "publishPost": publish_post,
    "unpublishPost": unpublish_post,
    "schedulePost": schedule_post,
    "archivePost": archive_post,
    "restorePostRevision": restore_post_revision,
    "createAuthor": create_author,
    "updateAuthor": update_author,
    "setAffiliations": set_affiliations,
    "createOrganization": create_organization,
    "updateOrganization": update_organization,
    "createCategory": create_category,
    "importRelay": import_relay,
}


async def test_every_mutation_in_the_schema_is_covered_here(gql: GraphQL) -> None:
    data = await gql.data("{ __schema { mutationType { fields { name } } } }")
    assert {field["name"] for field in data["__schema"]["mutationType"]["fields"]} == set(MUTATIONS)


@pytest.mark.parametrize("name", MUTATIONS)
async def test_without_a_valid_token_a_mutation_is_forbidden_and_writes_nothing(
    desk: Desk, stranger: GraphQL, name: str
) -> None:
    input, read = await MUTATIONS[name](desk)
    before = await read()
    result = await run(stranger, name, **input)
    assert (result["__typename"], result["authenticated"]) == ("Forbidden", False)
    assert await read() == before


@pytest.mark.parametrize("name", MUTATIONS)
async def test_with_a_revoked_token_a_mutation_is_forbidden_and_writes_nothing(
    desk: Desk, revoked: GraphQL, name: str
) -> None:
    input, read = await MUTATIONS[name](desk)
    before = await read()
    result = await run(revoked, name, **input)
    assert (result["__typename"], result["authenticated"]) == ("Forbidden", False)
    assert await read() == before


@pytest.mark.parametrize("name", MUTATIONS)
async def test_an_admin_token_may_do_what_an_editor_may(
    desk: Desk, admin: GraphQL, name: str
) -> None:
    input, _read = await MUTATIONS[name](desk)
    result = await run(admin, name, **input)
    assert result["__typename"] == editing.MUTATIONS[name][1], result


async def test_forbidden_for_a_draft_looks_the_same_as_for_no_post(
    desk: Desk, gql: GraphQL
) -> None:
    draft = await desk.post()
    before = await desk.read(draft["id"])
    for_draft = await run(gql, "updatePost", id=draft["id"], expectedVersion=1, title="Hacket")
    for_nothing = await run(
        gql, "updatePost", id=global_id("Post", 10**9), expectedVersion=1, title="Hacket"
    )
    assert for_draft == for_nothing
    assert for_draft["__typename"] == "Forbidden"
    assert await desk.read(draft["id"]) == before


async def test_a_revoked_token_is_told_apart_from_a_missing_one(
    gql: GraphQL, revoked: GraphQL
) -> None:
    missing = await run(gql, "createCategory", name="Emne")
    refused = await run(revoked, "createCategory", name="Emne")
    assert "token" in missing["message"].lower()
    assert "revoked" in refused["message"].lower()


async def test_an_overlong_token_is_forbidden_not_an_error(client: httpx.AsyncClient) -> None:
    caller = GraphQL(client, {"Authorization": "Bearer " + "x" * 10_000})
    result = await run(caller, "createCategory", name="Emne")
    assert (result["__typename"], result["authenticated"]) == ("Forbidden", False)

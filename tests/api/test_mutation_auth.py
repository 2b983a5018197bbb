"""Who may write: every mutation refuses a caller without a valid token, and writes nothing.

A refusal is a typed `Forbidden`, never an HTTP or GraphQL error, and it looks the same
whether or not the object named exists, so it reveals nothing about drafts. Admin-only
mutations also refuse editors; the newsletter's three mutations are public on purpose.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, global_id, later, run

from graph import models
from graph.paging.ids import from_global_id

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


async def update_category(desk: Desk) -> tuple[dict[str, Any], Read]:
    category = await desk.category()
    input = {"category": category["slug"], "slug": desk.slug("emne")}
    return input, by_slug(desk, "category", category["slug"])


async def import_relay(desk: Desk) -> tuple[dict[str, Any], Read]:
    slug = desk.slug("importeret")
    return {"relay": {"slug": slug, "title": "Importeret"}, "posts": []}, by_slug(
        desk, "relay", slug
    )


async def pass_baton(desk: Desk) -> tuple[dict[str, Any], Read]:
    relay = await desk.relay()
    author = await desk.author(email=f"skribent.{desk.tag}@eksempel.dk")
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()

    async def read() -> Any:
        document = "query ($slug: String!) { relay(slug: $slug) { baton { state } } }"
        return (await desk.editor.data(document, slug=relay["slug"]))["relay"]["baton"]

    return {"relay": relay["id"], "author": author["id"], "dueOn": due}, read


async def discard_pending_changes(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.published(await desk.relay())
    await desk.ok("updatePost", id=post["id"], expectedVersion=2, title="Ny", stage=True)

    async def read() -> Any:
        document = (
            f'{{ node(id: "{post["id"]}") {{ ... on Post {{ version pending {{ title }} }} }} }}'
        )
        return (await desk.editor.data(document))["node"]

    return {"post": post["id"], "expectedVersion": 3}, read


def preview_links(post_id: str) -> Read:
    async def read() -> Any:
        _, pk = from_global_id(post_id)
        return await models.PreviewLink.filter(post_id=pk).values_list("revoked_at", flat=True)

    return read


async def create_preview_link(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    return {"post": post["id"], "expiresInHours": 1}, preview_links(post["id"])


async def revoke_preview_links(desk: Desk) -> tuple[dict[str, Any], Read]:
    post = await desk.post()
    await desk.ok("createPreviewLink", post=post["id"])
    return {"post": post["id"]}, preview_links(post["id"])


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
    "updateCategory": update_category,
    "importRelay": import_relay,
    "passBaton": pass_baton,
    "discardPendingChanges": discard_pending_changes,
    "createPreviewLink": create_preview_link,
    "revokePreviewLinks": revoke_preview_links,
}


async def webhook_row(desk: Desk) -> models.Webhook:
    """A webhook for the test, subscribed to nothing, so no other test's writes reach it."""
    return await models.Webhook.create(
        url="https://example.org/hook",
        events=[],
        secret="whsec_" + "A" * 32,
        description=desk.tag,
    )


def webhook_state(webhook_pk: int) -> Read:
    async def read() -> Any:
        webhook = await models.Webhook.get_or_none(id=webhook_pk)
        deliveries = await models.WebhookDelivery.filter(webhook_id=webhook_pk).values(
            "status", "attempts"
        )
        return (
            None
            if webhook is None
            else (
                webhook.url,
                webhook.events,
                webhook.secret,
                webhook.active,
                webhook.version,
                deliveries,
            )
        )

    return read


async def create_webhook(desk: Desk) -> tuple[dict[str, Any], Read]:
    async def read() -> Any:
        return await models.Webhook.filter(url__contains=desk.tag).count()

    # A loopback URL: refused for admins too, unless WEBHOOK_ALLOW_PRIVATE; nothing resolves.
    return {"url": f"http://127.0.0.1/{desk.tag}", "events": ["POST_PUBLISHED"]}, read


async def update_webhook(desk: Desk) -> tuple[dict[str, Any], Read]:
    webhook = await webhook_row(desk)
    input = {"id": global_id("Webhook", webhook.id), "expectedVersion": 1, "active": False}
    return input, webhook_state(webhook.id)


async def webhook_by_id(desk: Desk) -> tuple[dict[str, Any], Read]:
    webhook = await webhook_row(desk)
    return {"id": global_id("Webhook", webhook.id)}, webhook_state(webhook.id)


async def redeliver_webhook_delivery(desk: Desk) -> tuple[dict[str, Any], Read]:
    webhook = await webhook_row(desk)
    delivery = await models.WebhookDelivery.create(
        webhook=webhook,
        message_id=f"msg_{desk.tag}",
        event="post.published",
        payload={},
        status=models.DeliveryStatus.FAILED,
        attempts=1,
    )
    return {"id": global_id("WebhookDelivery", delivery.id)}, webhook_state(webhook.id)


async def retry_job(desk: Desk) -> tuple[dict[str, Any], Read]:
    async def read() -> Any:
        return None

    return {"id": "999999999"}, read


# Mutations only an admin token may run; an editor is refused like a stranger, and both
# are told apart by `authenticated`.
ADMIN_MUTATIONS: dict[str, Prepare] = {
    "createWebhook": create_webhook,
    "updateWebhook": update_webhook,
    "deleteWebhook": webhook_by_id,
    "rotateWebhookSecret": webhook_by_id,
    "redeliverWebhookDelivery": redeliver_webhook_delivery,
    "retryJob": retry_job,
}

# Readers sign up for, confirm and leave the newsletter without any token.
PUBLIC_MUTATIONS = {"subscribe", "confirmSubscription", "unsubscribe"}


@pytest.fixture
async def webhooks_cleared(desk: Desk) -> AsyncIterator[None]:
    yield
    await models.Webhook.filter(description=desk.tag).delete()


async def run_admin(caller: GraphQL, name: str, input: dict[str, Any]) -> dict[str, Any]:
    """Run an admin mutation; its result's type name, and `authenticated` if Forbidden."""
    input_type = f"{name[0].upper()}{name[1:]}Input"
    document = (
        f"mutation ($input: {input_type}!) {{ result: {name}(input: $input) {{ __typename "
        "... on Forbidden { authenticated } } }"
    )
    result: dict[str, Any] = (await caller.data(document, input=input))["result"]
    return result


async def test_every_mutation_in_the_schema_is_covered_here(gql: GraphQL) -> None:
    data = await gql.data("{ __schema { mutationType { fields { name } } } }")
    names = {field["name"] for field in data["__schema"]["mutationType"]["fields"]}
    assert names == set(MUTATIONS) | set(ADMIN_MUTATIONS) | PUBLIC_MUTATIONS


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


@pytest.mark.parametrize("name", ADMIN_MUTATIONS)
@pytest.mark.usefixtures("webhooks_cleared")
async def test_an_admin_mutation_refuses_strangers_and_editors_and_writes_nothing(
    desk: Desk, gql: GraphQL, editor: GraphQL, name: str
) -> None:
    input, read = await ADMIN_MUTATIONS[name](desk)
    before = await read()
    assert await run_admin(gql, name, input) == {"__typename": "Forbidden", "authenticated": False}
    assert await run_admin(editor, name, input) == {
        "__typename": "Forbidden",
        "authenticated": True,
    }
    assert await read() == before


@pytest.mark.parametrize("name", ADMIN_MUTATIONS)
@pytest.mark.usefixtures("webhooks_cleared")
async def test_an_admin_token_passes_admin_mutations(desk: Desk, admin: GraphQL, name: str) -> None:
    input, _read = await ADMIN_MUTATIONS[name](desk)
    result = await run_admin(admin, name, input)
    assert result["__typename"] != "Forbidden", result


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

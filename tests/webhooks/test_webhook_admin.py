"""Managing webhooks through the API: admins only, checked input, refused private targets."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from conftest import GraphQL, StatementCounter
from fixtures.editing import field_errors, global_id
from fixtures.jobs import job_settings
from webhook_desk import (
    WEBHOOK,
    WITH_DELIVERIES,
    Hooks,
    app_settings,
    fields_of,
    open_hooks,
    run,
)

from graph import models
from graph.paging.ids import from_global_id
from graph.settings import Settings

RECEIVER = "http://127.0.0.1:9/hooks"  # never called here: nothing is published
LIST = f"{{ webhooks {{ {WEBHOOK} }} }}"
ONE = f"query ($id: ID!) {{ webhook(id: $id) {{ {WEBHOOK} }} }}"


@pytest.fixture
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    return app_settings(request, database_url)


@pytest.fixture
def jobs(database_url: str) -> Iterator[Settings]:
    with job_settings(database_url) as settings:
        yield settings


@pytest.fixture
def private_refused(database_url: str) -> Iterator[Settings]:
    with job_settings(database_url, WEBHOOK_ALLOW_PRIVATE="false") as settings:
        yield settings


@pytest.fixture
async def hooks(admin: GraphQL) -> AsyncIterator[Hooks]:
    async with open_hooks(admin) as hooks:
        yield hooks


async def webhook_count() -> int:
    return await models.Webhook.all().count()


@pytest.mark.usefixtures("jobs")
async def test_an_admin_registers_a_webhook_with_a_generated_secret(hooks: Hooks) -> None:
    hook = await hooks.create(
        RECEIVER, ["POST_PUBLISHED", "RELAY_CREATED", "POST_PUBLISHED"], description=" Forside "
    )
    assert hook["url"] == RECEIVER
    assert hook["events"] == ["POST_PUBLISHED", "RELAY_CREATED"]
    assert hook["description"] == "Forside"
    assert (hook["active"], hook["version"]) == (True, 1)
    assert hook["secret"].startswith("whsec_")
    assert len(base64.b64decode(hook["secret"].removeprefix("whsec_"))) == 24
    listed = (await hooks.admin.data(LIST))["webhooks"]
    assert hook in listed
    assert (await hooks.admin.data(ONE, id=hook["id"]))["webhook"] == hook


@pytest.mark.usefixtures("jobs")
async def test_a_webhook_id_that_names_nothing_reads_as_null(hooks: Hooks) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    await run(hooks.admin, "deleteWebhook", id=hook["id"])
    assert (await hooks.admin.data(ONE, id=hook["id"]))["webhook"] is None
    assert (await hooks.admin.data(ONE, id=global_id("Post", 1)))["webhook"] is None


@pytest.mark.usefixtures("jobs")
async def test_create_lists_every_problem_and_creates_nothing(hooks: Hooks) -> None:
    before = await webhook_count()
    result = await run(
        hooks.admin, "createWebhook", url="x" * 2001, events=[], description="d" * 301
    )
    hooks.remember(result)
    assert sorted(field_errors(result)) == [
        (["description"], "TOO_LONG"),
        (["events"], "REQUIRED"),
        (["url"], "TOO_LONG"),
    ]
    assert await webhook_count() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8080/hooks", "127.0.0.1 is a loopback address"),
        ("http://10.1.2.3/hooks", "10.1.2.3 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]:8080/hooks", "::1 is a loopback address"),
        ("http://localhost/hooks", "localhost resolves to 127.0.0.1, a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "an IPv4-mapped form of a loopback address"),
        ("http://0.0.0.0:80/", "0.0.0.0 is an unspecified address"),
        ("ftp://example.com/hooks", "only http:// and https:// URLs"),
        ("file:///etc/passwd", "only http:// and https:// URLs"),
        ("example.com/hooks", "has no scheme"),
        ("https:///hooks", "has no host"),
        ("https://example.com:99999/", "is not a valid URL"),
        ("https://exa mple.com/", "must not contain spaces"),
        ("https://no-such-host.invalid/hooks", "cannot be resolved"),
    ],
)
@pytest.mark.usefixtures("private_refused")
async def test_a_target_that_is_not_public_is_refused_with_the_reason(
    hooks: Hooks, url: str, message: str
) -> None:
    before = await webhook_count()
    result = await run(hooks.admin, "createWebhook", url=url, events=["POST_PUBLISHED"])
    hooks.remember(result)
    assert field_errors(result) == [(["url"], "INVALID")]
    assert message in result["message"], result
    assert await webhook_count() == before


@pytest.mark.usefixtures("private_refused")
async def test_a_public_address_is_accepted_with_private_ones_refused(hooks: Hooks) -> None:
    hook = await hooks.create("https://93.184.216.34/hooks", ["POST_PUBLISHED"])
    assert hook["url"] == "https://93.184.216.34/hooks"


@pytest.mark.usefixtures("private_refused")
async def test_changing_the_url_to_a_private_address_is_refused_and_keeps_the_old(
    hooks: Hooks,
) -> None:
    hook = await hooks.create("https://93.184.216.34/hooks", ["POST_PUBLISHED"])
    result = await run(
        hooks.admin, "updateWebhook", id=hook["id"], expectedVersion=1, url="http://10.0.0.7/"
    )
    assert field_errors(result) == [(["url"], "INVALID")]
    assert await hooks.read(hook) == {**hook, "deliveries": []}


@pytest.mark.usefixtures("jobs")
async def test_update_changes_what_is_given_and_bumps_the_version(hooks: Hooks) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"], description="Forside")
    updated = await run(
        hooks.admin,
        "updateWebhook",
        id=hook["id"],
        expectedVersion=1,
        url=RECEIVER + "/v2",
        events=["POST_UNPUBLISHED", "POST_PUBLISHED"],
        active=False,
    )
    assert fields_of(updated) == {
        **hook,
        "url": RECEIVER + "/v2",
        "events": ["POST_PUBLISHED", "POST_UNPUBLISHED"],
        "active": False,
        "version": 2,
    }
    same = await run(hooks.admin, "updateWebhook", id=hook["id"], expectedVersion=2, active=False)
    assert same["version"] == 2  # nothing changed, nothing written


@pytest.mark.usefixtures("jobs")
async def test_update_refuses_a_stale_version_empty_events_and_nulls(hooks: Hooks) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    stale = await run(hooks.admin, "updateWebhook", id=hook["id"], expectedVersion=7, active=False)
    assert stale["__typename"] == "VersionConflict"
    assert stale["currentVersion"] == 1
    empty = await run(hooks.admin, "updateWebhook", id=hook["id"], expectedVersion=1, events=[])
    assert field_errors(empty) == [(["events"], "REQUIRED")]
    nulls = await run(
        hooks.admin, "updateWebhook", id=hook["id"], expectedVersion=1, url=None, active=None
    )
    assert sorted(field_errors(nulls)) == [(["active"], "REQUIRED"), (["url"], "REQUIRED")]
    assert await hooks.read(hook) == {**hook, "deliveries": []}


@pytest.mark.usefixtures("jobs")
async def test_rotating_gives_a_new_secret_and_a_new_version(hooks: Hooks) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    rotated = await run(hooks.admin, "rotateWebhookSecret", id=hook["id"])
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != hook["secret"]
    assert rotated["version"] == 2


@pytest.mark.usefixtures("jobs")
async def test_delete_removes_the_webhook_and_its_history(hooks: Hooks) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    pk = from_global_id(hook["id"])[1]
    delivery = await models.WebhookDelivery.create(
        webhook_id=pk, message_id="msg_delete_test", event="post.published", payload={}
    )
    deleted = await run(hooks.admin, "deleteWebhook", id=hook["id"])
    assert deleted == {"__typename": "DeletedWebhook", "id": hook["id"]}
    assert not await models.WebhookDelivery.filter(id=delivery.id).exists()
    again = await run(hooks.admin, "deleteWebhook", id=hook["id"])
    assert again["__typename"] == "NotFound"


@pytest.mark.usefixtures("jobs")
async def test_unknown_ids_are_not_found(hooks: Hooks) -> None:
    for name in ("deleteWebhook", "rotateWebhookSecret", "redeliverWebhookDelivery"):
        result = await run(hooks.admin, name, id=global_id("Post", 1))
        assert result["__typename"] == "NotFound", (name, result)
    missing = global_id("WebhookDelivery", 2**31 - 1)
    result = await run(hooks.admin, "redeliverWebhookDelivery", id=missing)
    assert result["__typename"] == "NotFound"


def stranger_inputs(hook_id: str) -> dict[str, dict[str, Any]]:
    return {
        "createWebhook": {"url": RECEIVER, "events": ["POST_PUBLISHED"]},
        "updateWebhook": {"id": hook_id, "expectedVersion": 1, "active": False},
        "deleteWebhook": {"id": hook_id},
        "rotateWebhookSecret": {"id": hook_id},
        "redeliverWebhookDelivery": {"id": global_id("WebhookDelivery", 1)},
    }


@pytest.mark.parametrize("caller", ["editor", "anonymous"])
@pytest.mark.usefixtures("jobs")
async def test_only_admins_manage_webhooks(
    hooks: Hooks, editor: GraphQL, gql: GraphQL, caller: str
) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    stranger = editor if caller == "editor" else gql
    count = await webhook_count()
    for name, input in stranger_inputs(hook["id"]).items():
        result = await run(stranger, name, **input)
        hooks.remember(result)
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["authenticated"] is (caller == "editor")
    assert await webhook_count() == count
    assert await hooks.read(hook) == {**hook, "deliveries": []}


@pytest.mark.parametrize("caller", ["editor", "anonymous"])
@pytest.mark.usefixtures("jobs")
async def test_only_admins_see_webhooks(
    hooks: Hooks, editor: GraphQL, gql: GraphQL, caller: str
) -> None:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    stranger = editor if caller == "editor" else gql
    for document, variables in [(LIST, {}), (ONE, {"id": hook["id"]})]:
        body = await stranger(document, **variables)
        assert body["data"] in (None, {"webhook": None})
        (error,) = body["errors"]
        wanted = "admin role" if caller == "editor" else "needs an API token"
        assert wanted in error["message"]


async def counted(
    admin: GraphQL, sql_statements: StatementCounter, hook_ids: list[str]
) -> tuple[int, list[dict[str, Any]]]:
    document = """{ webhooks { id deliveries(first: 5) { id attemptLog { statusCode } }
        failed: deliveries(first: 5, status: FAILED) { id } } }"""
    sql_statements.statements.clear()
    data = await admin.data(document)
    mine = [hook for hook in data["webhooks"] if hook["id"] in hook_ids]
    return len(sql_statements.statements), mine


async def with_history(hooks: Hooks, deliveries: int) -> str:
    hook = await hooks.create(RECEIVER, ["POST_PUBLISHED"])
    pk = from_global_id(hook["id"])[1]
    for number in range(deliveries):
        delivery = await models.WebhookDelivery.create(
            webhook_id=pk,
            message_id=f"msg_count_{pk}_{number}",
            event="post.published",
            payload={},
            status=models.DeliveryStatus.FAILED,
        )
        for code in (500, 404):
            await models.WebhookAttempt.create(
                delivery=delivery, attempted_at=delivery.created_at, status_code=code, duration_ms=3
            )
    hook_id: str = hook["id"]
    return hook_id


@pytest.mark.usefixtures("jobs")
async def test_nested_deliveries_and_attempts_do_not_add_statements_per_webhook(
    hooks: Hooks, sql_statements: StatementCounter
) -> None:
    ids = [await with_history(hooks, 3)]
    small_count, small = await counted(hooks.admin, sql_statements, ids)
    ids += [await with_history(hooks, 7), await with_history(hooks, 2)]
    large_count, large = await counted(hooks.admin, sql_statements, ids)
    assert [len(hook["deliveries"]) for hook in small] == [3]
    assert [len(hook["deliveries"]) for hook in large] == [3, 5, 2]
    assert [len(hook["failed"]) for hook in large] == [3, 5, 2]
    assert all(len(d["attemptLog"]) == 2 for hook in large for d in hook["deliveries"])
    assert small_count == large_count, sql_statements.statements


@pytest.mark.usefixtures("jobs")
async def test_deliveries_are_newest_first_and_filter_by_status(hooks: Hooks) -> None:
    hook_id = await with_history(hooks, 3)
    pk = from_global_id(hook_id)[1]
    newest = await models.WebhookDelivery.create(
        webhook_id=pk, message_id=f"msg_newest_{pk}", event="relay.created", payload={"a": 1}
    )
    data = await hooks.admin.data(WITH_DELIVERIES, id=hook_id, first=2, status=None)
    first_two = data["webhook"]["deliveries"]
    assert len(first_two) == 2
    assert first_two[0]["id"] == global_id("WebhookDelivery", newest.id)
    assert (first_two[0]["event"], first_two[0]["payload"]) == ("RELAY_CREATED", {"a": 1})
    pending = await hooks.admin.data(WITH_DELIVERIES, id=hook_id, first=20, status="PENDING")
    assert [d["messageId"] for d in pending["webhook"]["deliveries"]] == [f"msg_newest_{pk}"]
    too_many = await hooks.admin(WITH_DELIVERIES, id=hook_id, first=1000, status=None)
    assert "`first` must be between 0 and" in too_many["errors"][0]["message"]

"""Content events reach frontends as signed webhook deliveries, retried until it is pointless.

Every test runs the real job worker against a real HTTP endpoint on loopback, and checks what
the endpoint received (signatures verified with the standardwebhooks library) and what an
admin sees of each delivery through the API.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.clock import TestClock
from fixtures.editing import Desk, run
from fixtures.jobs import eventually, job_settings, run_due_jobs, running_worker
from fixtures.receiver import Receiver, Slow, receiving
from standardwebhooks.webhooks import WebhookVerificationError
from webhook_desk import (
    Hooks,
    app_settings,
    open_hooks,
    queued_deliveries,
    verified,
)
from webhook_desk import run as run_webhook

from graph import db, models
from graph.editing import relays
from graph.paging.ids import from_global_id
from graph.settings import Settings
from graph.webhooks import jobs as webhook_jobs
from graph.webhooks import sending, signing


@pytest.fixture
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    return app_settings(request, database_url)


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
async def hooks(admin: GraphQL) -> AsyncIterator[Hooks]:
    async with open_hooks(admin) as hooks:
        yield hooks


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as receiver:
        yield receiver


@pytest.fixture
def jobs(database_url: str) -> Iterator[Settings]:
    with job_settings(database_url) as settings:
        yield settings


def requests_at_least(receiver: Receiver, count: int) -> Any:
    async def check() -> bool:
        return len(receiver.requests) >= count

    return check


pytestmark = pytest.mark.usefixtures("jobs")


async def test_a_published_post_reaches_the_endpoint_signed(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"], description="Forsiden")
    relay = await desk.relay()
    post = await desk.published(relay)
    await run_due_jobs()

    (request,) = receiver.requests
    assert (request.method, request.path) == ("POST", "/hooks")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("graph-webhooks/")
    payload = verified(hook["secret"], request)
    assert payload["type"] == "post.published"
    assert payload["data"] == {
        "type": "Post",
        "id": post["id"],
        "slug": post["slug"],
        "relay": {"id": relay["id"], "slug": relay["slug"]},
    }
    sent_at = dt.datetime.fromisoformat(payload["timestamp"])
    assert abs(dt.datetime.now(dt.UTC) - sent_at) < dt.timedelta(minutes=1)

    (delivery,) = await hooks.deliveries(hook)
    assert delivery["status"] == "DELIVERED"
    assert delivery["messageId"] == request.headers["webhook-id"]
    assert delivery["messageId"].startswith("msg_")
    assert (delivery["event"], delivery["attempts"], delivery["lastError"]) == (
        "POST_PUBLISHED",
        1,
        None,
    )
    assert delivery["deliveredAt"] is not None
    assert delivery["payload"] == payload
    (attempt,) = delivery["attemptLog"]
    assert (attempt["statusCode"], attempt["error"]) == (200, None)


async def test_a_named_host_is_called_at_its_checked_address_with_its_own_host_header(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    # The address is pinned at check time (no second lookup to rebind), the name kept in Host.
    url = receiver.url.replace("127.0.0.1", "localhost")
    hook = await hooks.create(url, ["POST_PUBLISHED"])
    await desk.published(await desk.relay())
    await run_due_jobs()

    (request,) = receiver.requests
    assert request.headers["host"] == url.split("/")[2]
    verified(hook["secret"], request)


async def test_a_request_goes_to_the_pinned_address_not_to_a_new_lookup(
    receiver: Receiver,
) -> None:
    # `.invalid` never resolves: the request can only arrive through the pinned address.
    url = receiver.url.replace("127.0.0.1", "rebound.invalid")
    secret = "whsec_" + "A" * 32
    outcome = await sending.post(
        url, secret, "msg_pinned", b"{}", 2, ipaddress.ip_address("127.0.0.1")
    )
    assert (outcome.status_code, outcome.error) == (200, None)
    (request,) = receiver.requests
    assert request.headers["host"] == url.split("/")[2]


async def test_only_subscribed_events_of_active_webhooks_are_sent(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["RELAY_CREATED", "POST_ARCHIVED"])
    everything = ["POST_PUBLISHED", "POST_UPDATED", "POST_ARCHIVED", "RELAY_CREATED"]
    idle = await hooks.create(receiver.url + "/idle", everything)
    await run_webhook(hooks.admin, "updateWebhook", id=idle["id"], expectedVersion=1, active=False)

    relay = await desk.relay()
    post = await desk.published(relay)
    await desk.ok("archivePost", id=post["id"], expectedVersion=post["version"])
    await run_due_jobs()

    received = [verified(hook["secret"], request) for request in receiver.requests]
    assert [(p["type"], p["data"]["slug"]) for p in received] == [
        ("relay.created", relay["slug"]),
        ("post.archived", post["slug"]),
    ]
    assert await hooks.deliveries(idle) == []


async def test_failures_are_retried_until_the_endpoint_recovers(
    desk: Desk, hooks: Hooks, receiver: Receiver, jobs: Settings
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(500, 500)
    await desk.published(await desk.relay())

    async def refused_once() -> bool:
        (delivery,) = await hooks.deliveries(hook)
        return any(attempt["error"] for attempt in delivery["attemptLog"])

    async with running_worker(jobs):
        await eventually(requests_at_least(receiver, 2))
        await receiver.stop()
        await eventually(refused_once)
        await receiver.start()
        (delivery,) = await hooks.settled(hook)

    log = delivery["attemptLog"]
    assert [attempt["statusCode"] for attempt in log[:2]] == [500, 500]
    refused = log[2:-1]
    assert refused
    assert all(a["statusCode"] is None for a in refused)
    assert all(a["error"].startswith("could not connect") for a in refused)
    assert (log[-1]["statusCode"], log[-1]["error"]) == (200, None)
    assert (delivery["status"], delivery["attempts"]) == ("DELIVERED", len(log))
    assert delivery["lastError"] is None
    # Every attempt was the same message, signed afresh: one id, three verified requests.
    assert len(receiver.requests) == 3
    assert {request.headers["webhook-id"] for request in receiver.requests} == {
        delivery["messageId"]
    }
    for request in receiver.requests:
        verified(hook["secret"], request)


async def test_a_timeout_is_retried(
    desk: Desk, hooks: Hooks, receiver: Receiver, database_url: str
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(Slow(1.5))
    with job_settings(database_url, WEBHOOK_TIMEOUT_S="0.5") as settings:
        await desk.published(await desk.relay())
        async with running_worker(settings):
            (delivery,) = await hooks.settled(hook)
    first, second = delivery["attemptLog"]
    assert (first["statusCode"], first["error"]) == (None, "timed out after 0.5 s")
    assert 400 <= first["durationMs"] < 1400
    assert (second["statusCode"], delivery["status"]) == (200, "DELIVERED")


async def test_410_gone_stops_retrying_and_deactivates_the_webhook(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(410)
    relay = await desk.relay()
    await desk.published(relay)
    await run_due_jobs()

    (delivery,) = await hooks.deliveries(hook)
    assert (delivery["status"], delivery["attempts"]) == ("FAILED", 1)
    assert "410" in delivery["lastError"]
    assert "deactivated" in delivery["lastError"]
    now = await hooks.read(hook)
    assert (now["active"], now["version"]) == (False, hook["version"] + 1)

    await desk.published(relay)
    await run_due_jobs()
    assert len(receiver.requests) == 1
    assert len(await hooks.deliveries(hook)) == 1


@pytest.mark.parametrize("status", [400, 404, 301])
async def test_other_refusals_fail_at_once_without_retries(
    desk: Desk,
    hooks: Hooks,
    receiver: Receiver,
    jobs: Settings,
    status: int,
    stopped_clock: TestClock,
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(status)
    await desk.published(await desk.relay())
    async with running_worker(jobs):
        await hooks.settled(hook)
    # Far longer than any retry wait: a retry, had one been planned, runs now.
    await stopped_clock.advance(dt.timedelta(hours=1))
    await run_due_jobs()
    (delivery,) = await hooks.deliveries(hook)
    assert (delivery["status"], delivery["attempts"]) == ("FAILED", 1)
    assert delivery["lastError"].startswith(f"HTTP {status}: ")
    assert len(receiver.requests) == 1
    assert (await hooks.read(hook))["active"] is True


async def test_a_delivery_older_than_the_give_up_time_fails_instead_of_retrying(
    desk: Desk, hooks: Hooks, receiver: Receiver, database_url: str, stopped_clock: TestClock
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(503, 503)
    # A retry waits 30-60 s: only moving the clock on brings it due.
    waits = {"WEBHOOK_RETRY_BASE_S": "60", "WEBHOOK_RETRY_CAP_S": "60"}
    with job_settings(database_url, WEBHOOK_GIVE_UP_AFTER_S="3600", **waits):
        await desk.published(await desk.relay())
        await stopped_clock.advance(dt.timedelta(seconds=3590))
        await run_due_jobs()
        (young,) = await hooks.deliveries(hook)
        assert (young["status"], young["attempts"]) == ("PENDING", 1)
        await stopped_clock.advance(dt.timedelta(seconds=61))
        await run_due_jobs()
    (delivery,) = await hooks.deliveries(hook)
    assert (delivery["status"], delivery["attempts"]) == ("FAILED", 2)
    assert delivery["lastError"].startswith("Gave up after ")
    assert delivery["lastError"].endswith("last: HTTP 503.")


async def test_a_private_target_is_refused_again_at_delivery_without_a_request(
    desk: Desk, hooks: Hooks, receiver: Receiver, database_url: str
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])  # private allowed here
    with job_settings(database_url, WEBHOOK_ALLOW_PRIVATE="false"):
        await desk.published(await desk.relay())
        await run_due_jobs()
    assert receiver.requests == []
    (delivery,) = await hooks.deliveries(hook)
    assert delivery["status"] == "FAILED"
    assert delivery["lastError"] == (
        "Not sent: the URL 127.0.0.1 is a loopback address; "
        "webhooks may only call public addresses."
    )
    (attempt,) = delivery["attemptLog"]
    assert attempt["statusCode"] is None
    assert attempt["error"].startswith("not sent: the URL 127.0.0.1 is a loopback address")


async def test_a_webhook_deactivated_meanwhile_gets_nothing(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    await desk.published(await desk.relay())
    await run_webhook(hooks.admin, "updateWebhook", id=hook["id"], expectedVersion=1, active=False)
    await run_due_jobs()
    assert receiver.requests == []
    (delivery,) = await hooks.deliveries(hook)
    assert (delivery["status"], delivery["attemptLog"]) == ("FAILED", [])
    assert delivery["lastError"] == "Not sent: the webhook was deactivated."


async def test_a_webhook_deleted_meanwhile_gets_nothing_and_the_job_ends_quietly(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    await desk.published(await desk.relay())
    deleted = await run_webhook(hooks.admin, "deleteWebhook", id=hook["id"])
    assert deleted["__typename"] == "DeletedWebhook"
    errors_before = await models.JobError.filter(task_name="deliver_webhook").count()
    await run_due_jobs()
    assert receiver.requests == []
    assert await models.JobError.filter(task_name="deliver_webhook").count() == errors_before


async def test_redelivery_sends_the_same_message_again_and_keeps_the_history(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(404)
    await desk.published(await desk.relay())
    await run_due_jobs()
    (failed,) = await hooks.deliveries(hook)
    assert failed["status"] == "FAILED"

    again = await run_webhook(hooks.admin, "redeliverWebhookDelivery", id=failed["id"])
    assert again["__typename"] == "WebhookDelivery"
    assert (again["status"], again["attempts"], again["lastError"]) == ("PENDING", 1, None)
    await run_due_jobs()

    (delivered,) = await hooks.deliveries(hook)
    assert (delivered["status"], delivered["attempts"]) == ("DELIVERED", 2)
    assert [a["statusCode"] for a in delivered["attemptLog"]] == [404, 200]
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == failed["messageId"]
    assert verified(hook["secret"], second) == failed["payload"]


async def test_a_delivery_of_an_inactive_webhook_is_not_redelivered(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(410)
    await desk.published(await desk.relay())
    await run_due_jobs()
    (failed,) = await hooks.deliveries(hook)
    result = await run_webhook(hooks.admin, "redeliverWebhookDelivery", id=failed["id"])
    assert editing.field_errors(result) == [(["id"], "INVALID")]
    assert await hooks.deliveries(hook) == [failed]


async def test_a_pending_delivery_is_not_redelivered_beside_its_queued_retry(
    desk: Desk, hooks: Hooks, receiver: Receiver, database_url: str
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(500)
    with job_settings(database_url, WEBHOOK_RETRY_BASE_S="60", WEBHOOK_RETRY_CAP_S="60"):
        await desk.published(await desk.relay())
        await run_due_jobs()
    (pending,) = await hooks.deliveries(hook)
    assert (pending["status"], pending["lastError"]) == ("PENDING", "HTTP 500")
    result = await run_webhook(hooks.admin, "redeliverWebhookDelivery", id=pending["id"])
    assert editing.field_errors(result) == [(["id"], "INVALID")]
    assert "still pending" in result["message"]


async def test_after_rotation_every_request_verifies_with_the_new_secret_only(
    desk: Desk, hooks: Hooks, receiver: Receiver, jobs: Settings, database_url: str
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    receiver.answer(500)
    relay = await desk.relay()
    await desk.published(relay)
    # The first attempt fails; its retry waits at least half a second, past the rotation.
    with job_settings(database_url, WEBHOOK_RETRY_BASE_S="1"):
        await run_due_jobs()
    rotated = await run_webhook(hooks.admin, "rotateWebhookSecret", id=hook["id"])
    await desk.published(relay)
    async with running_worker(jobs):
        await hooks.settled(hook, count=2)

    before, *after = receiver.requests
    verified(hook["secret"], before)
    assert len(after) == 2  # the retry of the first message, and the second message
    for request in after:
        verified(rotated["secret"], request)
        with pytest.raises(WebhookVerificationError):
            verified(hook["secret"], request)


async def test_a_failed_write_queues_no_delivery(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["POST_PUBLISHED"])
    post = await desk.post()
    queued = await queued_deliveries()
    stale = await run(desk.editor, "publishPost", id=post["id"], expectedVersion=99)
    assert stale["__typename"] == "VersionConflict"
    await run_due_jobs()
    assert await hooks.deliveries(hook) == []
    assert await queued_deliveries() == queued
    assert receiver.requests == []


class Abort(Exception):
    """Makes the transaction roll back."""


async def test_a_rolled_back_write_leaves_no_delivery_and_no_job(
    desk: Desk, hooks: Hooks, receiver: Receiver
) -> None:
    hook = await hooks.create(receiver.url, ["RELAY_CREATED"])
    pk = from_global_id(hook["id"])[1]
    queued = await queued_deliveries()
    slug = desk.slug("stafet")
    with pytest.raises(Abort):
        async with db.transaction():
            # The relay is written and its relay.created event handled, then the write fails.
            await relays.create_relay({"title": "Rullet tilbage", "slug": slug})
            assert await models.WebhookDelivery.filter(webhook_id=pk).count() == 1
            raise Abort
    await run_due_jobs()
    assert not await models.Relay.filter(slug=slug).exists()
    assert await hooks.deliveries(hook) == []
    assert await queued_deliveries() == queued
    assert receiver.requests == []


async def test_pending_deliveries_are_queued_again_at_start_up(
    hooks: Hooks, receiver: Receiver
) -> None:
    # A delivery whose job was lost with an in-memory queue (the embedded mode's restart).
    hook = await hooks.create(receiver.url, ["RELAY_CREATED"])
    delivery = await models.WebhookDelivery.create(
        webhook_id=from_global_id(hook["id"])[1],
        message_id=signing.new_message_id(),
        event="relay.created",
        payload={"type": "relay.created", "timestamp": "2026-01-01T00:00:00Z", "data": {}},
    )
    await webhook_jobs.requeue_due()
    await run_due_jobs()
    (request,) = receiver.requests
    assert request.headers["webhook-id"] == delivery.message_id
    assert verified(hook["secret"], request)["type"] == "relay.created"
    (shown,) = await hooks.deliveries(hook)
    assert shown["status"] == "DELIVERED"

"""Helpers for the webhook tests: the admin documents, a registry that deletes what a test
registered, reading deliveries back through the API, and verifying what a receiver got."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import GraphQL
from fixtures.editing import ERRORS
from fixtures.jobs import eventually, settings_for
from fixtures.receiver import Received
from standardwebhooks.webhooks import Webhook as Verifier

from graph import models
from graph.jobs.engine import app, embedded
from graph.paging.ids import from_global_id
from graph.read import sql
from graph.settings import Settings


def app_settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    """The app's settings in webhook tests (each module's `settings` fixture): the job tests'
    (webhooks on loopback allowed), or private targets refused for a test that asks for
    `private_refused`, since the app checks URLs with its own settings."""
    if "private_refused" in request.fixturenames:
        return settings_for(database_url, WEBHOOK_ALLOW_PRIVATE="false")
    return settings_for(database_url)


WEBHOOK = "id url events description active secret version createdAt"
ATTEMPT = "attemptedAt statusCode error durationMs"
DELIVERY = f"""id messageId event status attempts createdAt lastAttemptAt deliveredAt lastError
  payload attemptLog {{ {ATTEMPT} }}"""

# Mutation name -> (input type, the object type it returns, the fields to select on it).
MUTATIONS = {
    "createWebhook": ("CreateWebhookInput", "Webhook", WEBHOOK),
    "updateWebhook": ("UpdateWebhookInput", "Webhook", WEBHOOK),
    "deleteWebhook": ("DeleteWebhookInput", "DeletedWebhook", "id"),
    "rotateWebhookSecret": ("RotateWebhookSecretInput", "Webhook", WEBHOOK),
    "redeliverWebhookDelivery": ("RedeliverWebhookDeliveryInput", "WebhookDelivery", DELIVERY),
}

WITH_DELIVERIES = f"""query ($id: ID!, $first: Int!, $status: DeliveryStatus) {{
  webhook(id: $id) {{ {WEBHOOK} deliveries(first: $first, status: $status) {{ {DELIVERY} }} }}
}}"""


async def run(caller: GraphQL, name: str, /, **input: Any) -> dict[str, Any]:
    """Run webhook mutation `name`; its result (the object or a typed error)."""
    input_type, type_name, fields = MUTATIONS[name]
    document = (
        f"mutation ($input: {input_type}!) {{ result: {name}(input: $input) {{ {ERRORS} "
        f"... on {type_name} {{ {fields} }} }} }}"
    )
    result: dict[str, Any] = (await caller.data(document, input=input))["result"]
    return result


def fields_of(result: dict[str, Any]) -> dict[str, Any]:
    """A mutation's object without the `__typename` the result union needs."""
    return {name: value for name, value in result.items() if name != "__typename"}


@dataclass
class Hooks:
    """Registers webhooks as an admin and remembers them, so the test can delete them all."""

    admin: GraphQL
    ids: list[str] = field(default_factory=list)

    async def create(self, url: str, events: list[str], **fields: Any) -> dict[str, Any]:
        """A new webhook; it must be accepted."""
        result = await run(self.admin, "createWebhook", url=url, events=events, **fields)
        assert result["__typename"] == "Webhook", result
        self.ids.append(result["id"])
        return fields_of(result)

    def remember(self, result: dict[str, Any]) -> None:
        """Delete this webhook at the end too, if it was created."""
        if result.get("__typename") == "Webhook":
            self.ids.append(result["id"])

    async def deliveries(self, hook: dict[str, Any], first: int = 20) -> list[dict[str, Any]]:
        """The webhook's deliveries as an admin reads them, newest first."""
        data = await self.admin.data(WITH_DELIVERIES, id=hook["id"], first=first, status=None)
        deliveries: list[dict[str, Any]] = data["webhook"]["deliveries"]
        return deliveries

    async def read(self, hook: dict[str, Any]) -> dict[str, Any]:
        """The webhook as it is now."""
        data = await self.admin.data(WITH_DELIVERIES, id=hook["id"], first=0, status=None)
        found: dict[str, Any] = data["webhook"]
        return found

    async def settled(self, hook: dict[str, Any], count: int = 1) -> list[dict[str, Any]]:
        """Wait until the webhook has `count` deliveries and none is pending; them."""

        async def check() -> list[dict[str, Any]] | None:
            found = await self.deliveries(hook)
            done = len(found) >= count and all(d["status"] != "PENDING" for d in found)
            return found if done else None

        settled: list[dict[str, Any]] = await eventually(check)
        return settled

    async def delete_all(self) -> None:
        """Delete every webhook this test registered (with deliveries and attempts)."""
        pks = [from_global_id(hook_id)[1] for hook_id in self.ids]
        await models.Webhook.filter(id__in=pks).delete()


@contextlib.asynccontextmanager
async def open_hooks(admin: GraphQL) -> AsyncIterator[Hooks]:
    """Hooks for one test; the webhooks it registered are deleted afterwards, pass or fail,
    so later writes by other tests send nothing to them."""
    hooks = Hooks(admin)
    try:
        yield hooks
    finally:
        await hooks.delete_all()


def verified(secret: str, request: Received) -> dict[str, Any]:
    """The payload of a request whose signature the standardwebhooks library accepts."""
    payload: dict[str, Any] = Verifier(secret).verify(request.body, request.headers)
    return payload


async def queued_deliveries() -> int:
    """How many deliver_webhook jobs the queue holds in any state (either backend)."""
    if embedded():
        jobs = app.connector.jobs.values()  # type: ignore[attr-defined]
        return sum(1 for job in jobs if job["task_name"] == "deliver_webhook")
    rows = await sql.fetch(
        "SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = 'deliver_webhook'"
    )
    count: int = rows[0]["n"]
    return count

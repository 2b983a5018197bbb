"""The admin mutations: register, change, delete, rotate a secret, redeliver."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph import models
from graph.api.mutations.errors import (
    AnyError,
    Forbidden,
    ValidationFailed,
    authorize,
    check_arguments,
    mutate,
    pk_of,
    to_graphql,
)
from graph.api.webhooks.types import Webhook, WebhookDelivery
from graph.editing import errors as domain
from graph.enums import WebhookEvent
from graph.paging.ids import to_global_id
from graph.request.context import Info
from graph.webhooks import reads, service, targets

UNSET: Any = strawberry.UNSET
ADMIN = models.Role.ADMIN


WebhookResult = Annotated[
    Webhook | AnyError, strawberry.union("WebhookResult", description="The webhook, or why not.")
]
WebhookDeliveryResult = Annotated[
    WebhookDelivery | AnyError,
    strawberry.union("WebhookDeliveryResult", description="The delivery, or why not."),
]


@strawberry.type(description="What deleteWebhook removed.")
class DeletedWebhook:
    id: strawberry.ID = strawberry.field(description="Global id of the deleted webhook.")


DeletedWebhookResult = Annotated[
    DeletedWebhook | AnyError,
    strawberry.union("DeletedWebhookResult", description="The deleted webhook's id, or why not."),
]

URL_FIELD = (
    "An http:// or https:// URL (at most 2000 characters) whose host resolves only to public "
    "addresses (not loopback, private, link-local …), unless the server allows private ones."
)


@strawberry.input(description="A new webhook; its signing secret is generated.")
class CreateWebhookInput:
    url: str = strawberry.field(description=URL_FIELD)
    events: list[WebhookEvent] = strawberry.field(description="What to receive; at least one.")
    description: str | None = strawberry.field(
        default=None, description="What the endpoint is, for people (at most 300 characters)."
    )


@strawberry.input(description="Changes to a webhook; fields left out stay as they are.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description="Global id of the webhook.")
    expected_version: int = strawberry.field(
        description="The `version` you read; if the webhook has changed since, nothing is written."
    )
    url: str | None = strawberry.field(default=UNSET, description=URL_FIELD)
    events: list[WebhookEvent] | None = strawberry.field(
        default=UNSET, description="What to receive; at least one."
    )
    description: str | None = strawberry.field(default=UNSET, description="For people.")
    active: bool | None = strawberry.field(
        default=UNSET, description="False stops new deliveries; pending ones are not sent."
    )


@strawberry.input(description="Which webhook to delete.")
class DeleteWebhookInput:
    id: strawberry.ID = strawberry.field(description="Global id of the webhook.")


@strawberry.input(description="Which webhook gets a new secret.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description="Global id of the webhook.")


@strawberry.input(description="Which delivery to send again.")
class RedeliverWebhookDeliveryInput:
    id: strawberry.ID = strawberry.field(description="Global id of the delivery.")


async def _checked_url(info: Info, url: str) -> targets.Target | Forbidden | ValidationFailed:
    """The URL checked before the mutation's transaction opens (resolving is network I/O).

    Only an admin's URL is resolved: nobody else gets to make the server look names up.
    """
    try:
        authorize(info.context, ADMIN)
        check_arguments(info)
    except (domain.Forbidden, domain.ValidationFailed) as error:
        refusal = to_graphql(error)
        assert isinstance(refusal, Forbidden | ValidationFailed)
        return refusal
    return await targets.check(url, info.context.settings)


async def present_webhook(webhook: models.Webhook) -> Webhook:
    """The GraphQL webhook for a row just written."""
    (row,) = await reads.webhooks_by_ids([webhook.id])
    return Webhook.from_row(row)


async def present_delivery(delivery: models.WebhookDelivery) -> WebhookDelivery:
    """The GraphQL delivery for a row just written."""
    (row,) = await reads.deliveries_by_ids([delivery.id])
    return WebhookDelivery.from_row(row)


async def present_deleted(webhook_id: int) -> DeletedWebhook:
    """The id of a webhook just deleted."""
    return DeletedWebhook(id=strawberry.ID(to_global_id("Webhook", webhook_id)))


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register a webhook; the result carries its new secret. Admins only "
        "(others get Forbidden)."
    )
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> WebhookResult:
        target = await _checked_url(info, input.url)
        if not isinstance(target, targets.Target):
            return target
        return await mutate(
            info,
            lambda _actor: service.create_webhook(target, input.events, input.description),
            present_webhook,
            role=ADMIN,
        )

    @strawberry.mutation(
        description="Change a webhook's URL, events, description or active flag. Admins only."
    )
    async def update_webhook(self, info: Info, input: UpdateWebhookInput) -> WebhookResult:
        changes: dict[str, Any] = {
            name: value
            for name, value in [
                ("url", input.url),
                ("events", input.events),
                ("description", input.description),
                ("active", input.active),
            ]
            if value is not UNSET
        }
        if changes.get("url") is not None:
            target = await _checked_url(info, changes["url"])
            if not isinstance(target, targets.Target):
                return target
            changes["url"] = target
        return await mutate(
            info,
            lambda _actor: service.update_webhook(
                pk_of(input.id, "Webhook"), input.expected_version, changes
            ),
            present_webhook,
            role=ADMIN,
        )

    @strawberry.mutation(
        description="Delete a webhook with its delivery history; messages still pending are "
        "not sent. Admins only."
    )
    async def delete_webhook(self, info: Info, input: DeleteWebhookInput) -> DeletedWebhookResult:
        return await mutate(
            info,
            lambda _actor: service.delete_webhook(pk_of(input.id, "Webhook")),
            present_deleted,
            role=ADMIN,
        )

    @strawberry.mutation(
        description="Replace a webhook's signing secret. The old secret stops working at once: "
        "every request from now on, retries of earlier messages included, is signed with the "
        "new one only. Admins only."
    )
    async def rotate_webhook_secret(
        self, info: Info, input: RotateWebhookSecretInput
    ) -> WebhookResult:
        return await mutate(
            info,
            lambda _actor: service.rotate_secret(pk_of(input.id, "Webhook")),
            present_webhook,
            role=ADMIN,
        )

    @strawberry.mutation(
        description="Send a delivery again with the same message id (receivers that drop "
        "duplicates by `webhook-id` will ignore it): it becomes PENDING with retries starting "
        "afresh; earlier attempts stay in `attemptLog`. Only a DELIVERED or FAILED delivery of an "
        "active webhook can be sent again. Admins only."
    )
    async def redeliver_webhook_delivery(
        self, info: Info, input: RedeliverWebhookDeliveryInput
    ) -> WebhookDeliveryResult:
        return await mutate(
            info,
            lambda _actor: service.redeliver(pk_of(input.id, "WebhookDelivery")),
            present_delivery,
            role=ADMIN,
        )

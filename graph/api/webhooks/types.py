"""The webhook types admins read: endpoints, their deliveries, and each delivery's attempts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from graph.api.webhooks.loaders import loaders
from graph.enums import DeliveryStatus, WebhookEvent
from graph.paging.filters import COPENHAGEN
from graph.paging.ids import to_global_id
from graph.paging.pagination import check_first
from graph.read import sql
from graph.request.context import Info


def _local(value: object) -> dt.datetime | None:
    moment = sql.to_datetime(value)
    return None if moment is None else moment.astimezone(COPENHAGEN)


@strawberry.type(description="One HTTP request of a delivery.")
class WebhookAttempt:
    attempted_at: dt.datetime = strawberry.field(description="When it started (Copenhagen).")
    status_code: int | None = strawberry.field(
        description="The endpoint's HTTP status; null when no answer came (see `error`)."
    )
    error: str | None = strawberry.field(
        description="Why there was no answer: timeout, connection refused, a refused address."
    )
    duration_ms: int = strawberry.field(description="How long the request took, in ms.")

    @classmethod
    def from_row(cls, row: sql.Row) -> WebhookAttempt:
        """The type for one `webhook_attempt` row."""
        attempted_at = _local(row["attempted_at"])
        assert attempted_at is not None  # the column is NOT NULL
        return cls(
            attempted_at=attempted_at,
            status_code=row["status_code"],
            error=row["error"],
            duration_ms=row["duration_ms"],
        )


@strawberry.type(description="One event sent (or being sent) to one webhook.")
class WebhookDelivery:
    pk: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="Global id; pass it to redeliver.")
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every attempt, so receivers can "
        "drop duplicates."
    )
    event: WebhookEvent = strawberry.field(description="The event this message reports.")
    status: DeliveryStatus = strawberry.field(description="Pending, delivered or failed.")
    attempts: int = strawberry.field(description="How many requests were made so far.")
    created_at: dt.datetime = strawberry.field(description="When the event happened.")
    last_attempt_at: dt.datetime | None = strawberry.field(description="The latest request.")
    delivered_at: dt.datetime | None = strawberry.field(
        description="When the endpoint accepted it (2xx); null until then."
    )
    last_error: str | None = strawberry.field(
        description="Why the latest attempt did not deliver, or why it was given up."
    )
    payload: JSON = strawberry.field(
        description="The JSON body sent: `{type, timestamp, data: {type, id, slug, …}}`."
    )

    @classmethod
    def from_row(cls, row: sql.Row) -> WebhookDelivery:
        """The type for one `webhook_delivery` row."""
        created_at = _local(row["created_at"])
        assert created_at is not None  # the column is NOT NULL
        return cls(
            pk=row["id"],
            id=strawberry.ID(to_global_id("WebhookDelivery", row["id"])),
            message_id=row["message_id"],
            event=WebhookEvent(row["event"]),
            status=DeliveryStatus(row["status"]),
            attempts=row["attempts"],
            created_at=created_at,
            last_attempt_at=_local(row["last_attempt_at"]),
            delivered_at=_local(row["delivered_at"]),
            last_error=row["last_error"],
            payload=row["payload"],
        )

    @strawberry.field(
        description="The requests made for this delivery, oldest first; of a long history only the "
        "newest 50."
    )
    async def attempt_log(self, info: Info) -> list[WebhookAttempt]:
        rows = await loaders(info).attempts_by_delivery.load(self.pk)
        return [WebhookAttempt.from_row(row) for row in rows]


@strawberry.type(
    description="A frontend endpoint told about content changes by signed POST requests "
    "(Standard Webhooks: headers webhook-id, webhook-timestamp, webhook-signature)."
)
class Webhook:
    pk: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="Global id of the webhook.")
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    events: list[WebhookEvent] = strawberry.field(description="The events it receives.")
    description: str = strawberry.field(description="What the endpoint is, for people.")
    active: bool = strawberry.field(
        description="Inactive webhooks get no new deliveries. An endpoint answering 410 Gone "
        "is deactivated automatically."
    )
    secret: str = strawberry.field(
        description="The signing secret (`whsec_…`), for verifying `webhook-signature`."
    )
    version: int = strawberry.field(
        description="Bumped by every change; pass it as `expectedVersion` to updateWebhook."
    )
    created_at: dt.datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def from_row(cls, row: sql.Row) -> Webhook:
        """The type for one `webhook` row."""
        created_at = _local(row["created_at"])
        assert created_at is not None  # the column is NOT NULL
        return cls(
            pk=row["id"],
            id=strawberry.ID(to_global_id("Webhook", row["id"])),
            url=row["url"],
            events=[WebhookEvent(event) for event in row["events"]],
            description=row["description"],
            active=row["active"],
            secret=row["secret"],
            version=row["version"],
            created_at=created_at,
        )

    @strawberry.field(description="Its deliveries, newest first.")
    async def deliveries(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="How many: 0 up to the server's page limit.")
        ] = 20,
        status: Annotated[
            DeliveryStatus | None, strawberry.argument(description="Only deliveries in this state.")
        ] = None,
    ) -> list[WebhookDelivery]:
        key = (
            self.pk,
            check_first(first, info.context.settings.max_page_size),
            None if status is None else status.value,
        )
        rows = await loaders(info).deliveries_by_webhook.load(key)
        return [WebhookDelivery.from_row(row) for row in rows]

"""The admin queries: `webhooks` and `webhook(id:)`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.api.mutations.errors import pk_of, require_admin
from graph.api.webhooks.types import Webhook
from graph.editing import errors as domain
from graph.request.context import Info
from graph.webhooks import reads

ADMINS_ONLY = (
    "Admins only: any other caller gets no data but a GraphQL error saying which token is "
    "needed (`This needs the admin role.`)."
)


@strawberry.type
class WebhookQueries:
    @strawberry.field(description=f"Every webhook, oldest first. {ADMINS_ONLY}")
    async def webhooks(self, info: Info) -> list[Webhook]:
        require_admin(info)
        return [Webhook.from_row(row) for row in await reads.all_webhooks()]

    @strawberry.field(description=f"One webhook by global id; null if there is none. {ADMINS_ONLY}")
    async def webhook(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
    ) -> Webhook | None:
        require_admin(info)
        try:
            pk = pk_of(id, "Webhook")
        except domain.NotFound:
            return None
        rows = await reads.webhooks_by_ids([pk])
        return Webhook.from_row(rows[0]) if rows else None

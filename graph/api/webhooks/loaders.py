"""Per-request loaders for the webhook types: each nested list is one statement per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from graph.read import sql
from graph.request.context import Info
from graph.webhooks import reads

# (webhook id, page size, status value or None for any)
DeliveryKey = tuple[int, int, str | None]


class WebhookLoaders:
    """One request's webhook loaders: each nested list is one statement per batch."""

    def __init__(self) -> None:
        self.deliveries_by_webhook: DataLoader[DeliveryKey, list[sql.Row]] = DataLoader(
            load_fn=self._deliveries
        )
        self.attempts_by_delivery: DataLoader[int, list[sql.Row]] = DataLoader(
            load_fn=self._attempts
        )

    async def _deliveries(self, keys: Sequence[DeliveryKey]) -> list[list[sql.Row]]:
        # Webhooks asking for the same page size and status share one statement.
        groups: dict[tuple[int, str | None], list[int]] = defaultdict(list)
        for webhook_id, first, status in keys:
            groups[(first, status)].append(webhook_id)
        found: dict[DeliveryKey, list[sql.Row]] = defaultdict(list)
        for (first, status), webhook_ids in groups.items():
            for row in await reads.recent_deliveries(webhook_ids, first, status):
                found[(row["webhook_id"], first, status)].append(row)
        return [found.get(key, []) for key in keys]

    async def _attempts(self, delivery_ids: Sequence[int]) -> list[list[sql.Row]]:
        grouped: dict[int, list[sql.Row]] = defaultdict(list)
        for row in await reads.attempts_for_deliveries(delivery_ids):
            grouped[row["delivery_id"]].append(row)
        return [grouped.get(delivery_id, []) for delivery_id in delivery_ids]


LOADERS_KEY = "webhook_loaders"


def loaders(info: Info) -> WebhookLoaders:
    """This request's webhook loaders, made on first use."""
    # Kept in the context's own attributes, so they live exactly as long as the request.
    state = vars(info.context)
    found: WebhookLoaders | None = state.get(LOADERS_KEY)
    if found is None:
        found = state[LOADERS_KEY] = WebhookLoaders()
    return found

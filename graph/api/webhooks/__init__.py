"""Webhooks in the API, for admins only: endpoints, their deliveries, and managing both."""

from graph.api.webhooks.mutations import WebhookMutations
from graph.api.webhooks.queries import WebhookQueries

__all__ = ["WebhookMutations", "WebhookQueries"]

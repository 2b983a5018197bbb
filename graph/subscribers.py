"""Who listens to content events, subscribed once by each process's entry point.

Above `graph.events` and the services that handle events (which import the editing services
that emit them): the app (`create_app`), the CLI (`main`, which starts the worker) and the
test harness call `register_all` before anything is written.
"""

from __future__ import annotations

from graph import events, publishing
from graph.baton import service as baton
from graph.newsletter import service as newsletter
from graph.webhooks import service as webhooks


def register_all() -> None:
    """Subscribe every event handler, in the order they run (idempotent)."""
    events.subscribe_post_writes(publishing.on_post_write)
    for handler in (publishing.on_event, webhooks.on_event, newsletter.on_event, baton.on_event):
        events.subscribe(handler)

"""The API's enums: the models' and the events' own, described here for the schema.

Each is declared once, below the API (models.py, events.py, no strawberry there), and
registered with strawberry here; API modules import them from this module so the
registration has happened. A value added below changes the committed SDL, which the schema
check (`graph export-schema --check`, tests/test_schema_sdl.py) shows in review.
"""

from __future__ import annotations

import strawberry

from graph.events import EventType as WebhookEvent
from graph.models import BatonState, DeliveryStatus, OrganizationKind, PostStatus, RelayStatus

__all__ = [
    "BatonState",
    "DeliveryStatus",
    "OrganizationKind",
    "PostStatus",
    "RelayStatus",
    "WebhookEvent",
]

strawberry.enum(RelayStatus, description="Whether a relay still takes new posts.")
strawberry.enum(OrganizationKind, description="What sort of body an organisation is.")
strawberry.enum(PostStatus, description="Where a post is in its life; only PUBLISHED is public.")
strawberry.enum(
    BatonState,
    description="Where a baton stands. HELD: the author is writing the relay's next post, and "
    "mails go out. HANDED_ON: a post of theirs in the relay was published; no more mails. "
    "REPLACED: a newer baton took over before a post came; no more mails.",
)
strawberry.enum(
    DeliveryStatus,
    description="Where a delivery stands: PENDING (not yet accepted; attempts continue), "
    "DELIVERED (the endpoint answered 2xx) or FAILED (given up; see `lastError`).",
)
strawberry.enum(
    WebhookEvent,
    name="WebhookEvent",
    description="A content event a webhook can subscribe to. Payloads carry its wire name: "
    "POST_PUBLISHED is `post.published`, RELAY_CREATED is `relay.created`, and so on.",
)

"""Tortoise models, the tables of the content graph and of the work around it.

Import as a module (`from graph import models`, then `models.Post`) so a model never clashes
with a GraphQL type of the same name. Tortoise is given this package (graph/db.py) and finds
every model re-exported here; each submodule holds one part of the schema.
"""

from __future__ import annotations

from graph.models.access import (
    ApiToken,
    Role,
    SiteSecret,
)
from graph.models.baton import (
    Baton,
    BatonState,
)
from graph.models.content import (
    Affiliation,
    Author,
    Byline,
    Category,
    Organization,
    OrganizationKind,
    Post,
    PostStatus,
    Relay,
    RelayStatus,
    SlugHistory,
    SlugKind,
    Timestamped,
)
from graph.models.editing import (
    PostPending,
    PostRevision,
    PreviewLink,
)
from graph.models.jobs import (
    JobError,
)
from graph.models.newsletter import (
    NewsletterSend,
    Subscriber,
    Subscription,
)
from graph.models.webhooks import (
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)

__all__ = [
    "Affiliation",
    "ApiToken",
    "Author",
    "Baton",
    "BatonState",
    "Byline",
    "Category",
    "DeliveryStatus",
    "JobError",
    "NewsletterSend",
    "Organization",
    "OrganizationKind",
    "Post",
    "PostPending",
    "PostRevision",
    "PostStatus",
    "PreviewLink",
    "Relay",
    "RelayStatus",
    "Role",
    "SiteSecret",
    "SlugHistory",
    "SlugKind",
    "Subscriber",
    "Subscription",
    "Timestamped",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]

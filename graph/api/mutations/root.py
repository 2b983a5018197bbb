"""The root Mutation: every write, each taking one `input` and returning a result union."""

from __future__ import annotations

import strawberry

from graph.api.baton import BatonMutations
from graph.api.jobs import JobMutations
from graph.api.mutations.catalog import CatalogMutations
from graph.api.mutations.imports import ImportMutations
from graph.api.mutations.posts import PostMutations
from graph.api.mutations.previews import PreviewMutations
from graph.api.newsletter import NewsletterMutations
from graph.api.webhooks import WebhookMutations


@strawberry.type(
    description="Writes for editors (send `Authorization: Bearer <token>`). Each returns the "
    "changed object or a typed error; an error means nothing was written. The newsletter's "
    "subscribe, confirmSubscription and unsubscribe are public and need no token."
)
class Mutation(
    PostMutations,
    PreviewMutations,
    CatalogMutations,
    ImportMutations,
    JobMutations,
    BatonMutations,
    NewsletterMutations,
    WebhookMutations,
):
    pass

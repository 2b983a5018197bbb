"""The root Mutation: every write, each taking one `input` and returning a result union."""

from __future__ import annotations

import strawberry

from graph.api.jobs import JobMutations
from graph.api.mutations.catalog import CatalogMutations
from graph.api.mutations.imports import ImportMutations
from graph.api.mutations.posts import PostMutations


@strawberry.type(
    description="Writes for editors (send `Authorization: Bearer <token>`). Each returns the "
    "changed object or a typed error; an error means nothing was written."
)
class Mutation(PostMutations, CatalogMutations, ImportMutations, JobMutations):
    pass

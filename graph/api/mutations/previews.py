"""Mutations for staged edits and preview links: discard a staged edit, make and revoke links."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.api.mutations.errors import AnyError, mutate, pk_of
from graph.api.mutations.posts import VERSION_FIELD, PostResult, present_post_at
from graph.api.previews import PreviewLink
from graph.clock import COPENHAGEN
from graph.editing import previews, staging
from graph.editing.previews import MAX_HOURS, MIN_HOURS, NewLink
from graph.request.context import Info

POST_FIELD = "Global id of the post."

PreviewLinkResult = Annotated[
    PreviewLink | AnyError,
    strawberry.union("PreviewLinkResult", description="The new link, or why none was made."),
]


@strawberry.type(description="The post's preview links were revoked.")
class PreviewLinksRevoked:
    revoked_count: int = strawberry.field(description="How many live links stopped working.")


RevokePreviewLinksResult = Annotated[
    PreviewLinksRevoked | AnyError,
    strawberry.union(
        "RevokePreviewLinksResult", description="How many links were revoked, or why none was."
    ),
]


@strawberry.input(description="Drop a published post's staged edit.")
class DiscardPendingChangesInput:
    post: strawberry.ID = strawberry.field(description=POST_FIELD)
    expected_version: int = strawberry.field(description=VERSION_FIELD)


@strawberry.input(description="A new preview link to one post.")
class CreatePreviewLinkInput:
    post: strawberry.ID = strawberry.field(description=POST_FIELD)
    expires_in_hours: int = strawberry.field(
        default=72,
        description=f"How long the link works: {MIN_HOURS} to {MAX_HOURS} hours.",
    )


@strawberry.input(description="Stop every preview link of one post.")
class RevokePreviewLinksInput:
    post: strawberry.ID = strawberry.field(description=POST_FIELD)


async def present_link(link: NewLink) -> PreviewLink:
    """The GraphQL type of a link just made."""
    return PreviewLink(
        token=link.token, url=link.url, expires_at=link.expires_at.astimezone(COPENHAGEN)
    )


async def present_count(count: int) -> PreviewLinksRevoked:
    """The answer to a revocation."""
    return PreviewLinksRevoked(revoked_count=count)


@strawberry.type
class PreviewMutations:
    @strawberry.mutation(
        description="Drop a published post's staged edit (see `Post.pending`); the live post "
        "stays as it is. Without a staged edit nothing changes."
    )
    async def discard_pending_changes(
        self, info: Info, input: DiscardPendingChangesInput
    ) -> PostResult:
        return await mutate(
            info,
            lambda actor: staging.discard_pending(
                actor, pk_of(input.post, "Post"), input.expected_version
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(
        description="Make a secret link that shows the post as it would look published (its "
        "staged edit, or the draft) to anyone holding it, until it expires. Editors only."
    )
    async def create_preview_link(
        self, info: Info, input: CreatePreviewLinkInput
    ) -> PreviewLinkResult:
        return await mutate(
            info,
            lambda actor: previews.create_link(
                actor, pk_of(input.post, "Post"), input.expires_in_hours, info.context.settings
            ),
            present_link,
        )

    @strawberry.mutation(description="Make every preview link of the post stop working.")
    async def revoke_preview_links(
        self, info: Info, input: RevokePreviewLinksInput
    ) -> RevokePreviewLinksResult:
        return await mutate(
            info,
            lambda actor: previews.revoke_links(pk_of(input.post, "Post")),
            present_count,
        )

"""Post mutations: drafts, edits, bylines, publishing, scheduling and revisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from graph import models
from graph.api.mutations.errors import AnyError, mutate, pk_of, to_graphql
from graph.api.types import Post
from graph.editing import posts as editing
from graph.editing import staging
from graph.editing.errors import VersionConflict
from graph.paging.filters import aware
from graph.read import posts
from graph.read.access import EDITOR
from graph.request.context import Info

PostResult = Annotated[
    Post | AnyError,
    strawberry.union("PostResult", description="The post as it is now, or why nothing changed."),
]

UNSET: Any = strawberry.UNSET
ID_FIELD = "Global id of the post."
VERSION_FIELD = "The `version` you read; if the post has changed since, nothing is written."


@strawberry.input(description="One byline: who wrote the post, as printed on it.")
class BylineInput:
    author: str = strawberry.field(description="Slug of the author.")
    role: str | None = strawberry.field(default=None, description="Role printed on the post.")
    organization: str | None = strawberry.field(
        default=None, description="Slug of the author's organisation at the time of writing."
    )

    def to_spec(self) -> editing.BylineSpec:
        """The domain's byline."""
        return editing.BylineSpec(self.author, self.role, self.organization)


def _given(**values: Any) -> dict[str, Any]:
    """Only the fields the caller set (UNSET means leave as it is)."""
    fields = {name: value for name, value in values.items() if value is not UNSET}
    if fields.get("bylines") is not None:
        fields["bylines"] = [byline.to_spec() for byline in fields["bylines"]]
    return fields


@strawberry.input(description="A new draft post.")
class CreatePostInput:
    relay: str = strawberry.field(description="Slug of the relay it belongs to.")
    title: str = strawberry.field(description="Headline.")
    slug: str | None = strawberry.field(
        default=None, description="URL name; made from the title when not given."
    )
    body: str = strawberry.field(default="", description="Markdown source.")
    teaser: str | None = strawberry.field(
        default=None, description="Plain-text summary; cut from the body when not given."
    )
    category: str | None = strawberry.field(default=None, description="Slug of the category.")
    bylines: list[BylineInput] | None = strawberry.field(
        default=None, description="Up to 20 bylines in printed order."
    )

    def fields(self) -> dict[str, Any]:
        """The post fields given."""
        return _given(
            title=self.title,
            slug=self.slug if self.slug is not None else UNSET,
            body=self.body,
            teaser=self.teaser if self.teaser is not None else UNSET,
            category=self.category,
            bylines=self.bylines,
        )


@strawberry.input(description="Changes to a post; fields left out stay as they are.")
class UpdatePostInput:
    id: strawberry.ID = strawberry.field(description=ID_FIELD)
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    title: str | None = strawberry.field(default=UNSET, description="Headline.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name.")
    body: str | None = strawberry.field(default=UNSET, description="Markdown source.")
    teaser: str | None = strawberry.field(
        default=UNSET, description="Plain-text summary; null or empty: cut from the body."
    )
    category: str | None = strawberry.field(
        default=UNSET, description="Slug of the category; null for none."
    )
    bylines: list[BylineInput] | None = strawberry.field(
        default=UNSET, description="Replaces all bylines (up to 20), in printed order."
    )
    stage: bool = strawberry.field(
        default=False,
        description="Keep the edit as the published post's pending version (`Post.pending`) "
        "instead of changing the live post; `publishPost` makes it live, "
        "`discardPendingChanges` drops it. Only for published posts (else ValidationFailed).",
    )

    def fields(self) -> dict[str, Any]:
        """The post fields given."""
        return _given(
            title=self.title,
            slug=self.slug,
            body=self.body,
            teaser=self.teaser,
            category=self.category,
            bylines=[] if self.bylines is None else self.bylines,
        )


@strawberry.input(description="Which post, at which version.")
class PostVersionInput:
    id: strawberry.ID = strawberry.field(description=ID_FIELD)
    expected_version: int = strawberry.field(description=VERSION_FIELD)


@strawberry.input(description="Publish a post now, or back-date it.")
class PublishPostInput:
    id: strawberry.ID = strawberry.field(description=ID_FIELD)
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    published_at: dt.datetime | None = strawberry.field(
        default=None,
        description="Publication time, not in the future (no offset: Copenhagen). Default: the "
        "post's earlier publication time if it had one, else now.",
    )


@strawberry.input(description="Publish a post automatically at a future time.")
class SchedulePostInput:
    id: strawberry.ID = strawberry.field(description=ID_FIELD)
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    publish_at: dt.datetime = strawberry.field(
        description="When it goes live; must be in the future (no offset: Copenhagen)."
    )


@strawberry.input(description="Replace a post's bylines.")
class SetBylinesInput:
    id: strawberry.ID = strawberry.field(description=ID_FIELD)
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    bylines: list[BylineInput] = strawberry.field(description="Up to 20, in printed order.")


@strawberry.input(description="Bring back an earlier revision's content as a new revision.")
class RestorePostRevisionInput:
    revision_id: strawberry.ID = strawberry.field(description="Global id of the revision.")
    expected_version: int = strawberry.field(description="The post's current `version`.")


def _zoned(moment: dt.datetime) -> dt.datetime:
    """A required time with its zone (no offset: Copenhagen), once `mutate` has checked it."""
    zoned = aware(moment)
    assert zoned is not None
    return zoned


async def present_post(post: models.Post) -> Post:
    """The GraphQL post for a row just written, read through the read layer."""
    (row,) = await posts.posts_by_ids([post.id], EDITOR)
    return Post.from_row(row)


def present_post_at(expected_version: int) -> Callable[[models.Post], Awaitable[PostResult]]:
    """`present_post`, except for a change that wrote nothing and was overtaken.

    The answer is read after the transaction. When the mutation changed nothing (the
    version is still the one the caller gave) and someone else's write landed in between,
    the post read back is theirs: answering it would look like this mutation's doing (a
    publish answering DRAFT). The caller gets the VersionConflict it would have got a
    moment later.
    """

    async def present(post: models.Post) -> PostResult:
        presented = await present_post(post)
        if post.version == expected_version and presented.version != expected_version:
            return to_graphql(VersionConflict("post", presented.version))
        return presented

    return present


def _body_cap(info: Info) -> int:
    """MAX_BODY_CHARS of the app serving the request."""
    return info.context.settings.max_body_chars


@strawberry.type
class PostMutations:
    @strawberry.mutation(description="Create a draft post. Editors only.")
    async def create_post(self, info: Info, input: CreatePostInput) -> PostResult:
        return await mutate(
            info,
            lambda actor: editing.create_post(actor, input.relay, input.fields(), _body_cap(info)),
            present_post,
        )

    @strawberry.mutation(
        description="Change a post's text, slug, category or bylines, or with `stage: true` "
        "stage the change on a published post. While a change is staged, edits must be "
        "staged too."
    )
    async def update_post(self, info: Info, input: UpdatePostInput) -> PostResult:
        write = staging.stage_post if input.stage else editing.update_post
        return await mutate(
            info,
            lambda actor: write(
                actor,
                pk_of(input.id, "Post"),
                input.expected_version,
                input.fields(),
                _body_cap(info),
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(description="Replace a post's bylines (at most 20).")
    async def set_bylines(self, info: Info, input: SetBylinesInput) -> PostResult:
        fields = _given(bylines=input.bylines)
        return await mutate(
            info,
            lambda actor: editing.update_post(
                actor, pk_of(input.id, "Post"), input.expected_version, fields, _body_cap(info)
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(
        description="Publish a post: it gets its leg in the relay and shows in every list, "
        "lookup and search. A staged edit (`Post.pending`) goes live with it. Publishing a "
        "published post without a staged edit changes nothing."
    )
    async def publish_post(self, info: Info, input: PublishPostInput) -> PostResult:
        return await mutate(
            info,
            lambda actor: editing.publish_post(
                actor, pk_of(input.id, "Post"), input.expected_version, aware(input.published_at)
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(description="Schedule a draft to be published at `publishAt`.")
    async def schedule_post(self, info: Info, input: SchedulePostInput) -> PostResult:
        return await mutate(
            info,
            lambda actor: editing.schedule_post(
                actor, pk_of(input.id, "Post"), input.expected_version, _zoned(input.publish_at)
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(description="Take a published or scheduled post back to draft.")
    async def unpublish_post(self, info: Info, input: PostVersionInput) -> PostResult:
        return await mutate(
            info,
            lambda actor: editing.unpublish_post(
                actor, pk_of(input.id, "Post"), input.expected_version
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(description="Withdraw a post without deleting it.")
    async def archive_post(self, info: Info, input: PostVersionInput) -> PostResult:
        return await mutate(
            info,
            lambda actor: editing.archive_post(
                actor, pk_of(input.id, "Post"), input.expected_version
            ),
            present_post_at(input.expected_version),
        )

    @strawberry.mutation(
        description="Bring back a revision's title, slug, teaser, body, category and bylines "
        "(not its status) as a new revision."
    )
    async def restore_post_revision(
        self, info: Info, input: RestorePostRevisionInput
    ) -> PostResult:
        return await mutate(
            info,
            lambda actor: editing.restore_revision(
                actor,
                pk_of(input.revision_id, "PostRevision"),
                input.expected_version,
                _body_cap(info),
            ),
            present_post_at(input.expected_version),
        )

"""Staged edits and previews in the schema: `Post.pending`, `PreviewLink`, `preview(token:)`.

`preview` answers whoever holds a live token, so its answer is private to them: the field
marks the response (tags.PRIVATE) and sets `Cache-Control: private, no-store`, and the
response cache keeps no answer so marked.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Annotated

import strawberry

from graph import clock
from graph.api import attached
from graph.api.fields import FromRow, column, flag, loaded, moment, planned
from graph.api.types import Byline, Category, Post, bylines_of
from graph.cache import tags
from graph.editing.previews import well_formed
from graph.read import previews, sql
from graph.request.context import Info
from graph.tokens import token_hash

PRIVATE_ANSWER = "private, no-store"


@strawberry.type(
    description="A published post's staged edit: every content field as it will be once "
    "`publishPost` makes it live. `changedFields` says which differ from the live post."
)
class PendingVersion(FromRow):
    """Made from one `post_pending` row (as graph.read.previews gives it)."""

    category_pk: strawberry.Private[int | None] = loaded(itemgetter("category_id"))
    byline_rows: strawberry.Private[list[sql.Row]] = loaded(itemgetter("bylines"))
    title: str = planned(column("title"), "Headline.")
    slug: str = planned(column("slug"), "URL name.")
    teaser: str = planned(column("teaser"), "Short summary in plain text.")
    teaser_derived: bool = planned(
        flag("teaser_derived"), "True when the teaser is cut from the body."
    )
    body: str = planned(column("body"), "Markdown source.")
    html: str = planned(column("html"), "The body rendered to sanitised HTML.")
    changed_fields: list[str] = planned(
        column("changed"),
        "The fields that differ from the live post: title, slug, teaser, body, "
        "category, bylines (html follows body).",
    )
    staged_by: str = planned(column("staged_by"), "Name of the API token that staged it last.")
    staged_at: dt.datetime = planned(moment("staged_at"), "When, in Copenhagen time.")

    @strawberry.field(description="The category it will have, if any.")
    async def category(self, info: Info) -> Category | None:
        if self.category_pk is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.category_pk)
        return None if row is None else Category.from_row(row)

    @strawberry.field(description="The bylines it will have, in printed order.")
    def bylines(self) -> list[Byline]:
        return bylines_of(self.byline_rows)


async def pending_version(info: Info, post_pk: int) -> PendingVersion | None:
    """`Post.pending`: the staged edit, for callers with a token."""
    if info.context.viewer is None:
        return None
    row = await info.context.loaders.pending_by_post.load(post_pk)
    return None if row is None else PendingVersion.from_row(row)


# types.py names PendingVersion only lazily (this module imports types.py): attach its answer.
attached.attach_pending(pending_version)


@strawberry.type(description="A secret link to one post as it would look published.")
class PreviewLink:
    token: str = strawberry.field(
        description="Pass it to `preview(token:)`. Shown only now: the server keeps its hash."
    )
    url: str = strawberry.field(
        description="The frontend's preview address with the token (PREVIEW_URL_TEMPLATE)."
    )
    expires_at: dt.datetime = strawberry.field(
        description="When the link stops working, in Copenhagen time."
    )


@strawberry.type
class PreviewQueries:
    @strawberry.field(
        description="The post a preview link opens, as it would look published: its staged "
        "edit applied, or the draft as it is. Null for a token that is unknown, expired or "
        "revoked. Never cached: the answer carries `Cache-Control: private, no-store`."
    )
    async def preview(
        self,
        info: Info,
        token: Annotated[
            str, strawberry.argument(description="The token of a link from createPreviewLink.")
        ],
    ) -> Post | None:
        tags.add(tags.PRIVATE)
        response = info.context.response
        if response is not None:
            response.headers["Cache-Control"] = PRIVATE_ANSWER
        if not well_formed(token):
            return None
        found = await previews.previewed_post(token_hash(token), clock.now())
        if found is None:
            return None
        post = Post.from_row(found.row)
        post.staged_bylines = found.bylines
        return post

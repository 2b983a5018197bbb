"""The baton in the API: the `Baton` type, its state enum, and the `passBaton` mutation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graph import models
from graph.api import attached
from graph.api.mutations.errors import AnyError, mutate, pk_of
from graph.api.types import Author, Post, Relay
from graph.baton import service
from graph.enums import BatonState
from graph.read import batons, sql
from graph.request.context import Info


@strawberry.type(
    description="Who writes a relay's next post and by when, and which mails about it went out. "
    "Times are in Copenhagen time."
)
class Baton:
    relay_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int]
    post_pk: strawberry.Private[int | None]
    due_on: dt.date = strawberry.field(description="The day the post is due (Copenhagen date).")
    state: BatonState = strawberry.field(description="Held, handed on, or replaced.")
    passed_by: str = strawberry.field(description="Name of the API token that passed it.")
    passed_at: dt.datetime = strawberry.field(description="When it was passed.")
    invitation_sent_at: dt.datetime | None = strawberry.field(
        description="When the invitation mail was accepted by the mail server; null until then."
    )
    reminder_sent_at: dt.datetime | None = strawberry.field(
        description="When the reminder went out (a few days before `dueOn`); null if not (yet)."
    )
    overdue_sent_at: dt.datetime | None = strawberry.field(
        description="When the mail saying the post is overdue went out; null if not (yet)."
    )
    handed_on_at: dt.datetime | None = strawberry.field(
        description="When the author's post was published, which handed the baton on."
    )

    @classmethod
    def from_row(cls, row: sql.Row) -> Baton:
        """The type for one `baton` row."""
        passed_at = sql.in_copenhagen(row["passed_at"])
        assert passed_at is not None  # the column is NOT NULL
        due_on = sql.to_date(row["due_on"])
        assert due_on is not None  # the column is NOT NULL
        return cls(
            relay_pk=row["relay_id"],
            author_pk=row["author_id"],
            post_pk=row["post_id"],
            due_on=due_on,
            state=BatonState(row["state"]),
            passed_by=row["passed_by"],
            passed_at=passed_at,
            invitation_sent_at=sql.in_copenhagen(row["invitation_sent_at"]),
            reminder_sent_at=sql.in_copenhagen(row["reminder_sent_at"]),
            overdue_sent_at=sql.in_copenhagen(row["overdue_sent_at"]),
            handed_on_at=sql.in_copenhagen(row["handed_on_at"]),
        )

    @strawberry.field(description="The relay the baton belongs to.")
    async def relay(self, info: Info) -> Relay:
        row = await info.context.loaders.relay_by_id.load(self.relay_pk)
        assert row is not None  # a foreign key: the row exists
        return Relay.from_row(row)

    @strawberry.field(description="Who holds (or held) the baton.")
    async def author(self, info: Info) -> Author:
        row = await info.context.loaders.author_by_id.load(self.author_pk)
        assert row is not None  # a foreign key: the row exists
        return Author.from_row(row)

    @strawberry.field(description="The published post that handed the baton on; null before.")
    async def post(self, info: Info) -> Post | None:
        if self.post_pk is None:
            return None
        row = await info.context.loaders.post_by_id.load(self.post_pk)
        return None if row is None else Post.from_row(row)


async def current_baton(info: Info, relay_pk: int) -> Baton | None:
    """A relay's current baton for `Relay.baton`; None for anonymous callers."""
    if info.context.viewer is None:
        return None
    row = await info.context.loaders.baton_by_relay.load(relay_pk)
    return None if row is None else Baton.from_row(row)


# types.py names Baton only lazily (this module imports types.py): attach its answer there.
attached.attach_baton(current_baton)

BatonResult = Annotated[
    Baton | AnyError,
    strawberry.union("BatonResult", description="The baton just passed, or why not."),
]


@strawberry.input(description="Give a relay's baton to an author, with the day the post is due.")
class PassBatonInput:
    relay: strawberry.ID = strawberry.field(description="Global id of the relay (not ended).")
    author: strawberry.ID = strawberry.field(
        description="Global id of the author; they need an e-mail address (see updateAuthor)."
    )
    due_on: dt.date = strawberry.field(description="When the post is due; today or later.")


async def present_baton(baton: models.Baton) -> Baton:
    """The GraphQL baton for a row just written."""
    (row,) = await batons.batons_by_ids([baton.id])
    return Baton.from_row(row)


@strawberry.type
class BatonMutations:
    @strawberry.mutation(
        description="Pass a relay's baton to an author: they get an invitation mail now, a "
        "reminder a few days before `dueOn` and one mail if the post is overdue. A baton the "
        "relay held before is REPLACED (its mails stop). Publishing a post with the author in "
        "its bylines hands the baton on. Editors only."
    )
    async def pass_baton(self, info: Info, input: PassBatonInput) -> BatonResult:
        return await mutate(
            info,
            lambda actor: service.pass_baton(
                actor, pk_of(input.relay, "Relay"), pk_of(input.author, "Author"), input.due_on
            ),
            present_baton,
        )

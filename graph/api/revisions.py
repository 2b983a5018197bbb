"""The revision history editors see on a post: who changed which fields, and when."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import strawberry
from strawberry.scalars import JSON

from graph.editing.revisions import changes_in_order
from graph.paging.ids import to_global_id
from graph.read import sql

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@strawberry.type(description="One field's value before and after a revision.")
class FieldChange:
    field: str = strawberry.field(
        description="The post field (title, slug, teaser, body, category, bylines, status, "
        "publishedAt, publishAt, pending). `pending` is the staged edit of a published post: "
        "its changed fields, or null when nothing is staged."
    )
    old: JSON | None = strawberry.field(description="Value before; null if it had none.")
    new: JSON | None = strawberry.field(description="Value after; null if it has none.")


@strawberry.type(description="One write to a post; the newest revision is the post as it is.")
class PostRevision:
    id: strawberry.ID = strawberry.field(description="Global id; pass it to restorePostRevision.")
    version: int = strawberry.field(description="The post's version after this write.")
    actor: str = strawberry.field(description="Name of the API token that made the change.")
    created_at: dt.datetime = strawberry.field(description="When, in Copenhagen time.")
    changes: list[FieldChange] = strawberry.field(description="The fields this write changed.")

    @classmethod
    def from_row(cls, row: sql.Row) -> PostRevision:
        """The type for one `post_revision` row."""
        created = sql.to_datetime(row["created_at"])
        assert created is not None  # the column is NOT NULL
        return cls(
            id=strawberry.ID(to_global_id("PostRevision", row["id"])),
            version=row["version"],
            actor=row["actor"],
            created_at=created.astimezone(COPENHAGEN),
            changes=[
                FieldChange(field=name, old=change["old"], new=change["new"])
                for name, change in changes_in_order(row["changes"])
            ],
        )

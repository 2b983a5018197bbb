"""The revision history editors see on a post: who changed which fields, and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph.api.fields import LOAD, FromRow, column, global_id, moment, planned
from graph.editing.revisions import changes_in_order
from graph.read import sql


@strawberry.type(description="One field's value before and after a revision.")
class FieldChange(FromRow):
    field: str = planned(
        column("field"),
        "The post field (title, slug, teaser, body, category, bylines, status, "
        "publishedAt, publishAt, pending). `pending` is the staged edit of a published post: "
        "its changed fields, or null when nothing is staged.",
    )
    old: JSON | None = planned(column("old"), "Value before; null if it had none.")
    new: JSON | None = planned(column("new"), "Value after; null if it has none.")


@strawberry.type(description="One write to a post; the newest revision is the post as it is.")
class PostRevision(FromRow):
    """Made from one `post_revision` row."""

    id: strawberry.ID = planned(
        global_id("PostRevision"), "Global id; pass it to restorePostRevision."
    )
    version: int = planned(column("version"), "The post's version after this write.")
    actor: str = planned(column("actor"), "Name of the API token that made the change.")
    created_at: dt.datetime = planned(moment("created_at"), "When, in Copenhagen time.")
    changes: list[FieldChange] = strawberry.field(
        description="The fields this write changed.",
        metadata={LOAD: lambda row: [FieldChange.from_row(c) for c in field_changes(row)]},
    )


def field_changes(row: Mapping[str, Any]) -> list[sql.Row]:
    """A revision's changed fields as rows (field, old, new), in the post's field order."""
    return [
        {"field": name, "old": change["old"], "new": change["new"]}
        for name, change in changes_in_order(row["changes"])
    ]

"""The post filter input and the time rule filters follow (no offset: Copenhagen time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import strawberry

from graph.cache import tags
from graph.editing.checks import FIRST_YEAR, LAST_YEAR, in_range
from graph.enums import PostStatus
from graph.read.posts import NO_FILTER, PostFilter
from graph.request.errors import ClientError

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@strawberry.input(
    name="PostFilter", description="Narrows a post list. Slugs; every given field must hold (AND)."
)
class PostFilterInput:
    relay: str | None = strawberry.field(default=None, description="Relay slug.")
    category: str | None = strawberry.field(default=None, description="Category slug.")
    author: str | None = strawberry.field(default=None, description="Slug of a byline author.")
    organization: str | None = strawberry.field(
        default=None, description="Slug of a byline organisation (at the time of writing)."
    )
    published_after: dt.datetime | None = strawberry.field(
        default=None, description="Published at or after this time (no offset: Copenhagen)."
    )
    published_before: dt.datetime | None = strawberry.field(
        default=None, description="Published strictly before this time (no offset: Copenhagen)."
    )
    status: list[PostStatus] | None = strawberry.field(
        default=None,
        description=(
            "Only posts in these states. Without a token only PUBLISHED posts exist; with one, "
            "lists show every state but ARCHIVED unless asked."
        ),
    )

    def to_filter(self) -> PostFilter:
        """The read layer's filter, with naive times read as Copenhagen time."""
        return PostFilter(
            relay=self.relay,
            category=self.category,
            author=self.author,
            organization=self.organization,
            published_after=aware(self.published_after),
            published_before=aware(self.published_before),
            statuses=None if self.status is None else tuple(sorted(s.value for s in self.status)),
        )


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """The time with Copenhagen as its zone when the client gave none.

    A time that cannot be stored or answered is a client error (mutations refuse it before
    this, as ValidationFailed, in `check_arguments`).
    """
    if value is not None and not in_range(value):
        raise ClientError(f"{value.isoformat()} is out of range (years {FIRST_YEAR}-{LAST_YEAR}).")
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=COPENHAGEN)


def filter_from_arguments(value: Mapping[str, Any] | None) -> PostFilter:
    """A PostFilter from the `filter` argument as graphql-core coerces it (GraphQL names)."""
    if value is None:
        return NO_FILTER
    return PostFilterInput(
        relay=value.get("relay"),
        category=value.get("category"),
        author=value.get("author"),
        organization=value.get("organization"),
        published_after=value.get("publishedAfter"),
        published_before=value.get("publishedBefore"),
        status=value.get("status"),
    ).to_filter()


def to_filter(filter_input: PostFilterInput | None) -> PostFilter:
    """A PostFilter from an optional input (no input: no filter)."""
    return NO_FILTER if filter_input is None else filter_input.to_filter()


def filter_tags(post_filter: PostFilter) -> list[str]:
    """The list tags of the kinds a filter names by slug: which object a slug names changes
    when an object of that kind takes it or leaves it (old slugs keep naming their object)."""
    named = {
        tags.RELAYS: post_filter.relay,
        tags.CATEGORIES: post_filter.category,
        tags.AUTHORS: post_filter.author,
        tags.ORGANIZATIONS: post_filter.organization,
    }
    return [tag for tag, slug in named.items() if slug is not None]

"""The `importRelay` mutation: a whole relay in one transaction, as the import scripts send it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graph import models
from graph.api.mutations.catalog import AffiliationInput
from graph.api.mutations.errors import AnyError, mutate
from graph.api.mutations.posts import BylineInput
from graph.api.types import Relay
from graph.editing import imports
from graph.enums import OrganizationKind, RelayStatus
from graph.paging.filters import aware
from graph.read import lookups
from graph.request.context import Info

PREVIOUS_SLUGS = "Old slugs that keep leading to it (as `previousSlugs` exported them)."


@strawberry.input(description="The relay to import into; created if the slug is new.")
class ImportRelayFieldsInput:
    slug: str = strawberry.field(description="URL name; matches an existing relay.")
    title: str = strawberry.field(description="The relay's name.")
    intro: str = strawberry.field(default="", description="Introductory plain text.")
    status: RelayStatus = strawberry.field(default=RelayStatus.ACTIVE, description="State.")
    started_on: dt.date | None = strawberry.field(default=None, description="First post's date.")
    ended_on: dt.date | None = strawberry.field(default=None, description="Date it ended.")
    previous_slugs: list[str] = strawberry.field(default_factory=list, description=PREVIOUS_SLUGS)


@strawberry.input(description="A category the posts may name; created if the slug is new.")
class ImportCategoryInput:
    slug: str = strawberry.field(description="URL name.")
    name: str = strawberry.field(description="Display name.")
    previous_slugs: list[str] = strawberry.field(default_factory=list, description=PREVIOUS_SLUGS)


@strawberry.input(description="An organisation; created if the slug is new.")
class ImportOrganizationInput:
    slug: str = strawberry.field(description="URL name.")
    name: str = strawberry.field(description="Full name.")
    short_name: str | None = strawberry.field(default=None, description="Abbreviation.")
    kind: OrganizationKind = strawberry.field(default=OrganizationKind.OTHER, description="Kind.")
    previous_slugs: list[str] = strawberry.field(default_factory=list, description=PREVIOUS_SLUGS)


@strawberry.input(description="An author; created (with affiliations) if the slug is new.")
class ImportAuthorInput:
    slug: str = strawberry.field(description="URL name.")
    name: str = strawberry.field(description="Full name.")
    bio: str = strawberry.field(default="", description="Short biography.")
    affiliations: list[AffiliationInput] = strawberry.field(
        default_factory=list, description="Where the author works, in display order."
    )
    previous_slugs: list[str] = strawberry.field(default_factory=list, description=PREVIOUS_SLUGS)


@strawberry.input(description="A post; created if its slug is new, otherwise left as it is.")
class ImportPostInput:
    slug: str = strawberry.field(description="URL name; matches an existing post in the relay.")
    title: str = strawberry.field(description="Headline.")
    body: str = strawberry.field(default="", description="Markdown source.")
    teaser: str | None = strawberry.field(
        default=None, description="Plain-text summary; cut from the body when not given."
    )
    category: str | None = strawberry.field(default=None, description="Category slug.")
    bylines: list[BylineInput] = strawberry.field(
        default_factory=list, description="Up to 20 bylines in printed order."
    )
    published_at: dt.datetime | None = strawberry.field(
        default=None, description="Publish it, as of this (past) time. No offset: Copenhagen."
    )
    publish_at: dt.datetime | None = strawberry.field(
        default=None, description="Schedule it for this future time. No offset: Copenhagen."
    )
    previous_slugs: list[str] = strawberry.field(default_factory=list, description=PREVIOUS_SLUGS)


@strawberry.input(description="A relay with its posts and everything they refer to.")
class ImportRelayInput:
    relay: ImportRelayFieldsInput = strawberry.field(description="The relay.")
    posts: list[ImportPostInput] = strawberry.field(description="Its posts, oldest first.")
    categories: list[ImportCategoryInput] = strawberry.field(
        default_factory=list, description="Categories the posts name that may not exist yet."
    )
    organizations: list[ImportOrganizationInput] = strawberry.field(
        default_factory=list, description="Organisations that may not exist yet."
    )
    authors: list[ImportAuthorInput] = strawberry.field(
        default_factory=list, description="Authors that may not exist yet."
    )

    def to_spec(self) -> imports.ImportSpec:
        """The domain's import."""
        relay = self.relay
        return imports.ImportSpec(
            relay=imports.RelaySpec(
                slug=relay.slug,
                title=relay.title,
                intro=relay.intro,
                status=models.RelayStatus(relay.status.value),
                started_on=relay.started_on,
                ended_on=relay.ended_on,
                previous_slugs=tuple(relay.previous_slugs),
            ),
            categories=tuple(
                imports.CategorySpec(c.slug, c.name, tuple(c.previous_slugs))
                for c in self.categories
            ),
            organizations=tuple(
                imports.OrganizationSpec(
                    o.slug,
                    o.name,
                    o.short_name,
                    models.OrganizationKind(o.kind.value),
                    tuple(o.previous_slugs),
                )
                for o in self.organizations
            ),
            authors=tuple(
                imports.AuthorSpec(
                    a.slug,
                    a.name,
                    a.bio,
                    tuple((f.organization, f.role) for f in a.affiliations),
                    tuple(a.previous_slugs),
                )
                for a in self.authors
            ),
            posts=tuple(_post_spec(post) for post in self.posts),
        )


def _post_spec(post: ImportPostInput) -> imports.PostSpec:
    return imports.PostSpec(
        slug=post.slug,
        title=post.title,
        body=post.body,
        teaser=post.teaser,
        category=post.category,
        bylines=tuple(byline.to_spec() for byline in post.bylines),
        published_at=aware(post.published_at),
        publish_at=aware(post.publish_at),
        previous_slugs=tuple(post.previous_slugs),
    )


@strawberry.type(description="What an import did.")
class ImportSummary:
    relay: Relay = strawberry.field(description="The relay imported into.")
    posts_created: int = strawberry.field(description="Posts created by this import.")
    posts_existing: int = strawberry.field(description="Posts already there, left unchanged.")
    authors_created: int = strawberry.field(description="Authors created.")
    organizations_created: int = strawberry.field(description="Organisations created.")
    categories_created: int = strawberry.field(description="Categories created.")


ImportRelayResult = Annotated[
    ImportSummary | AnyError,
    strawberry.union("ImportRelayResult", description="What was imported, or why nothing was."),
]


async def present_import(result: imports.ImportResult) -> ImportSummary:
    """The summary, with the relay read back through the read layer."""
    (row,) = await lookups.rows_by("relay", "id", [result.relay.id])
    return ImportSummary(
        relay=Relay.from_row(row),
        posts_created=result.created["posts"],
        posts_existing=result.posts_existing,
        authors_created=result.created["authors"],
        organizations_created=result.created["organizations"],
        categories_created=result.created["categories"],
    )


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        description="Import a relay with its posts, all or nothing. Rows whose slug exists are "
        "kept as they are, so the same import can run again. Editors only."
    )
    async def import_relay(self, info: Info, input: ImportRelayInput) -> ImportRelayResult:
        # The spec is made inside the work, after `mutate` has checked every argument.
        return await mutate(
            info,
            lambda actor: imports.import_relay(
                actor, input.to_spec(), info.context.settings.max_body_chars
            ),
            present_import,
        )

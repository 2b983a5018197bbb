"""Mutations for relays, categories, authors, organisations and affiliations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from graph import models
from graph.api.mutations.errors import AnyError, mutate, pk_of
from graph.api.types import Author, Category, Organization, Relay
from graph.editing import people, relays
from graph.enums import OrganizationKind, RelayStatus
from graph.read import lookups
from graph.request.context import Info

UNSET: Any = strawberry.UNSET
VERSION_FIELD = "The `version` you read; if the object has changed since, nothing is written."
EMAIL_FIELD = "E-mail address for baton mails (at most 320 characters); never shown publicly."

RelayResult = Annotated[
    Relay | AnyError, strawberry.union("RelayResult", description="The relay, or why not.")
]
AuthorResult = Annotated[
    Author | AnyError, strawberry.union("AuthorResult", description="The author, or why not.")
]
OrganizationResult = Annotated[
    Organization | AnyError,
    strawberry.union("OrganizationResult", description="The organisation, or why not."),
]
CategoryResult = Annotated[
    Category | AnyError,
    strawberry.union("CategoryResult", description="The category, or why not."),
]


def _given(**values: Any) -> dict[str, Any]:
    """Only the fields the caller set, enums as the models' values."""
    fields = {name: value for name, value in values.items() if value is not UNSET}
    if fields.get("status") is not None:
        fields["status"] = models.RelayStatus(fields["status"].value)
    if fields.get("kind") is not None:
        fields["kind"] = models.OrganizationKind(fields["kind"].value)
    return fields


def _present(table: str, build: Any) -> Any:
    async def present(row: Any) -> Any:
        (found,) = await lookups.rows_by(table, "id", [row.id])
        return build(found)

    return present


@strawberry.input(description="A new relay.")
class CreateRelayInput:
    title: str = strawberry.field(description="The relay's name.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name; default from title.")
    intro: str | None = strawberry.field(default=UNSET, description="Introductory plain text.")
    status: RelayStatus | None = strawberry.field(default=UNSET, description="Default ACTIVE.")
    started_on: dt.date | None = strawberry.field(default=UNSET, description="First post's date.")
    ended_on: dt.date | None = strawberry.field(default=UNSET, description="Date it ended.")


@strawberry.input(description="Changes to a relay; fields left out stay as they are.")
class UpdateRelayInput:
    id: strawberry.ID = strawberry.field(description="Global id of the relay.")
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    title: str | None = strawberry.field(default=UNSET, description="The relay's name.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name.")
    intro: str | None = strawberry.field(default=UNSET, description="Introductory plain text.")
    status: RelayStatus | None = strawberry.field(default=UNSET, description="Active or ended.")
    started_on: dt.date | None = strawberry.field(default=UNSET, description="First post's date.")
    ended_on: dt.date | None = strawberry.field(default=UNSET, description="Date it ended.")


def _relay_fields(input: CreateRelayInput | UpdateRelayInput) -> dict[str, Any]:
    return _given(
        title=input.title,
        slug=input.slug,
        intro=input.intro,
        status=input.status,
        startedOn=input.started_on,
        endedOn=input.ended_on,
    )


@strawberry.input(description="A new author.")
class CreateAuthorInput:
    name: str = strawberry.field(description="Full name.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name; default from name.")
    bio: str | None = strawberry.field(default=UNSET, description="Short biography.")
    email: str | None = strawberry.field(default=UNSET, description=EMAIL_FIELD)


@strawberry.input(description="Changes to an author; fields left out stay as they are.")
class UpdateAuthorInput:
    id: strawberry.ID = strawberry.field(description="Global id of the author.")
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    name: str | None = strawberry.field(default=UNSET, description="Full name.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name.")
    bio: str | None = strawberry.field(default=UNSET, description="Short biography.")
    email: str | None = strawberry.field(
        default=UNSET, description=f"{EMAIL_FIELD} Null or empty removes it."
    )


@strawberry.input(description="A new organisation.")
class CreateOrganizationInput:
    name: str = strawberry.field(description="Full name.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name; default from name.")
    short_name: str | None = strawberry.field(default=UNSET, description="Abbreviation.")
    kind: OrganizationKind | None = strawberry.field(default=UNSET, description="Default OTHER.")


@strawberry.input(description="Changes to an organisation; fields left out stay as they are.")
class UpdateOrganizationInput:
    id: strawberry.ID = strawberry.field(description="Global id of the organisation.")
    expected_version: int = strawberry.field(description=VERSION_FIELD)
    name: str | None = strawberry.field(default=UNSET, description="Full name.")
    slug: str | None = strawberry.field(default=UNSET, description="URL name.")
    short_name: str | None = strawberry.field(default=UNSET, description="Abbreviation.")
    kind: OrganizationKind | None = strawberry.field(default=UNSET, description="What it is.")


def _organization_fields(
    input: CreateOrganizationInput | UpdateOrganizationInput,
) -> dict[str, Any]:
    return _given(name=input.name, slug=input.slug, shortName=input.short_name, kind=input.kind)


@strawberry.input(description="One affiliation: where an author works, and as what.")
class AffiliationInput:
    organization: str = strawberry.field(description="Slug of the organisation.")
    role: str | None = strawberry.field(default=None, description="Job title.")


@strawberry.input(description="Replace all of an author's affiliations.")
class SetAffiliationsInput:
    author_id: strawberry.ID = strawberry.field(description="Global id of the author.")
    expected_version: int = strawberry.field(description="The author's `version` you read.")
    affiliations: list[AffiliationInput] = strawberry.field(description="In display order.")


@strawberry.input(description="A new category.")
class CreateCategoryInput:
    name: str = strawberry.field(description="Display name.")
    slug: str | None = strawberry.field(default=None, description="URL name; default from name.")


@strawberry.input(description="Changes to a category; fields left out stay as they are.")
class UpdateCategoryInput:
    category: str = strawberry.field(description="The category's current slug.")
    name: str | None = strawberry.field(default=UNSET, description="Display name.")
    slug: str | None = strawberry.field(
        default=UNSET, description="New URL name; the old one keeps leading to the category."
    )


present_relay = _present("relay", Relay.from_row)
present_author = _present("author", Author.from_row)
present_organization = _present("organization", Organization.from_row)
present_category = _present("category", Category.from_row)


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(description="Create a relay. Editors only.")
    async def create_relay(self, info: Info, input: CreateRelayInput) -> RelayResult:
        return await mutate(
            info, lambda _actor: relays.create_relay(_relay_fields(input)), present_relay
        )

    @strawberry.mutation(description="Change a relay's title, slug, intro, status or dates.")
    async def update_relay(self, info: Info, input: UpdateRelayInput) -> RelayResult:
        return await mutate(
            info,
            lambda _actor: relays.update_relay(
                pk_of(input.id, "Relay"), input.expected_version, _relay_fields(input)
            ),
            present_relay,
        )

    @strawberry.mutation(description="Create a category. Editors only.")
    async def create_category(self, info: Info, input: CreateCategoryInput) -> CategoryResult:
        return await mutate(
            info, lambda _actor: relays.create_category(input.name, input.slug), present_category
        )

    @strawberry.mutation(description="Change a category's name or slug. Editors only.")
    async def update_category(self, info: Info, input: UpdateCategoryInput) -> CategoryResult:
        fields = _given(name=input.name, slug=input.slug)
        return await mutate(
            info, lambda _actor: relays.update_category(input.category, fields), present_category
        )

    @strawberry.mutation(description="Create an author. Editors only.")
    async def create_author(self, info: Info, input: CreateAuthorInput) -> AuthorResult:
        fields = _given(name=input.name, slug=input.slug, bio=input.bio, email=input.email)
        return await mutate(info, lambda _actor: people.create_author(fields), present_author)

    @strawberry.mutation(description="Change an author's name, slug, bio or e-mail address.")
    async def update_author(self, info: Info, input: UpdateAuthorInput) -> AuthorResult:
        fields = _given(name=input.name, slug=input.slug, bio=input.bio, email=input.email)
        return await mutate(
            info,
            lambda _actor: people.update_author(
                pk_of(input.id, "Author"), input.expected_version, fields
            ),
            present_author,
        )

    @strawberry.mutation(description="Replace an author's affiliations (at most 50).")
    async def set_affiliations(self, info: Info, input: SetAffiliationsInput) -> AuthorResult:
        pairs = [(a.organization, a.role) for a in input.affiliations]
        return await mutate(
            info,
            lambda _actor: people.set_affiliations(
                pk_of(input.author_id, "Author"), input.expected_version, pairs
            ),
            present_author,
        )

    @strawberry.mutation(description="Create an organisation. Editors only.")
    async def create_organization(
        self, info: Info, input: CreateOrganizationInput
    ) -> OrganizationResult:
        fields = _organization_fields(input)
        return await mutate(
            info, lambda _actor: people.create_organization(fields), present_organization
        )

    @strawberry.mutation(description="Change an organisation's name, slug, short name or kind.")
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> OrganizationResult:
        fields = _organization_fields(input)
        return await mutate(
            info,
            lambda _actor: people.update_organization(
                pk_of(input.id, "Organization"), input.expected_version, fields
            ),
            present_organization,
        )

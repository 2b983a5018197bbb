"""Typed mutation errors, the one place domain errors become them, and the mutation runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql.execution.values import VariableValues, get_argument_values
from tortoise.exceptions import IntegrityError

from graph import db, models
from graph.editing import errors as domain
from graph.editing.checks import Checks
from graph.paging.ids import from_global_id
from graph.request.context import Context, Info
from graph.request.errors import ClientError

T = TypeVar("T")
R = TypeVar("R")


@strawberry.interface(description="Why a mutation changed nothing. Every error type has this.")
class MutationError:
    message: str = strawberry.field(description="What went wrong, in English, for a person.")


@strawberry.type(description="The object to change does not exist.")
class NotFound(MutationError):
    pass


# The domain's codes are already the API's words; one enum serves both.
ValidationCode = strawberry.enum(
    domain.Code, name="ValidationCode", description="Why an input field was refused."
)


@strawberry.type(description="One refused input field.")
class FieldError:
    path: list[str] = strawberry.field(
        description='Where in the input, e.g. ["bylines", "2", "author"].'
    )
    message: str = strawberry.field(description="What is wrong with it.")
    code: domain.Code = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="The input broke one or more rules; every problem is listed.")
class ValidationFailed(MutationError):
    field_errors: list[FieldError] = strawberry.field(description="Each refused field.")


@strawberry.type(description="The object changed since you read it; re-read and try again.")
class VersionConflict(MutationError):
    current_version: int = strawberry.field(description="The object's version now.")


@strawberry.type(description="Another object of the same kind already has this slug.")
class SlugTaken(MutationError):
    slug: str = strawberry.field(description="The slug that is taken.")


@strawberry.type(description="No token, a bad or revoked one, or a role too small for this.")
class Forbidden(MutationError):
    authenticated: bool = strawberry.field(
        description="False when the token is missing or not valid; true when its role is too small."
    )


# `fieldErrors` is a plain list: an import with thousands of broken fields reports the first
# hundred as objects, and the message says how many there were.
MAX_FIELD_ERRORS = 100
# Messages quote what the caller sent (an unknown slug, an id): each is cut to this many
# characters, so a mutation's answer has a size bound like every other.
MAX_MESSAGE_CHARS = 1000
# A field error's path: the input's nesting (`posts.3.bylines.2.author`) is never deeper.
MAX_PATH_ENTRIES = 8
MAX_PATH_ENTRY_CHARS = 64

AnyError = NotFound | ValidationFailed | VersionConflict | SlugTaken | Forbidden


def to_graphql(error: domain.EditError) -> AnyError:
    """The typed GraphQL error for a domain error."""
    message = cut(str(error))
    if isinstance(error, domain.ValidationFailed):
        field_errors = [
            FieldError(
                path=[part[:MAX_PATH_ENTRY_CHARS] for part in e.path[:MAX_PATH_ENTRIES]],
                message=cut(e.message),
                code=e.code,
            )
            for e in error.errors[:MAX_FIELD_ERRORS]
        ]
        if len(message) >= MAX_MESSAGE_CHARS:
            message = cut(f"{len(error.errors)} problems; the first: {message}")
        return ValidationFailed(message=message, field_errors=field_errors)
    if isinstance(error, domain.VersionConflict):
        return VersionConflict(message=message, current_version=error.current_version)
    if isinstance(error, domain.SlugTaken):
        return SlugTaken(message=message, slug=error.slug)
    if isinstance(error, domain.Forbidden):
        return Forbidden(message=message, authenticated=error.authenticated)
    if isinstance(error, domain.NotFound):
        return NotFound(message=message)
    raise TypeError(f"unmapped edit error {error!r}")


def cut(message: str) -> str:
    """A message of at most MAX_MESSAGE_CHARS characters (…-ended when cut)."""
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 1] + "…"


def authorize(context: Context, role: models.Role) -> str:
    """The caller's token name if it holds `role`; otherwise a domain Forbidden."""
    viewer = context.viewer
    if viewer is None and context.presented_token:
        raise domain.Forbidden("The API token is not valid (unknown or revoked).", False)
    if viewer is None:
        raise domain.Forbidden("This needs an API token: Authorization: Bearer <token>.", False)
    if not viewer.may(role):
        raise domain.Forbidden(f"This needs the {role.value} role.", True)
    return viewer.name


def require_admin(info: Info) -> None:
    """For admin-only queries: a GraphQL error (shown to the caller) unless an admin asks."""
    try:
        authorize(info.context, models.Role.ADMIN)
    except domain.Forbidden as error:
        raise ClientError(str(error)) from error


def pk_of(global_id: str, type_name: str) -> int:
    """The primary key in a global id of `type_name`; anything else is not found."""
    try:
        found_type, pk = from_global_id(global_id)
    except ClientError:
        found_type, pk = "", 0
    if found_type != type_name:
        raise domain.NotFound(type_name.lower(), global_id)
    return pk


def check_arguments(info: Info) -> None:
    """Refuse NUL, lone surrogates and out-of-range times anywhere in a mutation's arguments.

    One check for every mutation, before any rule looks a value up in the database (where
    PostgreSQL would fail on a NUL) or converts a time (where Python would overflow). Paths
    use the API's names, as graphql-core has coerced them; the `input` argument is the root.
    """
    # Strawberry's Info hides graphql-core's, whose arguments keep their GraphQL names; it
    # holds the variables' coerced values without graphql-core's wrapper.
    raw = info._raw_info
    field = raw.parent_type.fields[raw.field_name]
    coerced: dict[str, Any] = raw.variable_values  # type: ignore[assignment]  # see above
    variables = VariableValues(sources={}, coerced=coerced)
    arguments = get_argument_values(field, raw.field_nodes[0], variables)
    checks = Checks()
    for name, value in arguments.items():
        checks.value([] if name == "input" else [name], value)
    checks.done()


async def mutate(
    info: Info,
    work: Callable[[str], Awaitable[T]],
    present: Callable[[T], Awaitable[R]],
    role: models.Role = models.Role.EDITOR,
) -> R | AnyError:
    """Authorise, run `work(actor)` in one transaction, then present what it returned.

    A domain error rolls the transaction back and becomes its typed GraphQL error.
    """
    try:
        actor = authorize(info.context, role)
        check_arguments(info)
        result = await _in_transaction(work, actor)
    except domain.EditError as error:
        return to_graphql(error)
    return await present(result)


# A unique index can refuse a row that looked free when checked, if a concurrent request
# took it in between. Running the work again sees that row: a derived slug then gets the
# next suffix, a given one becomes SlugTaken.
UNIQUE_RACE_ATTEMPTS = 3


async def _in_transaction(work: Callable[[str], Awaitable[T]], actor: str) -> T:
    for attempt in range(1, UNIQUE_RACE_ATTEMPTS + 1):
        try:
            async with db.transaction():
                return await work(actor)
        except IntegrityError:
            if attempt == UNIQUE_RACE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")

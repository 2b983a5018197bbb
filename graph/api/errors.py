"""Errors a client caused (shown as they are) versus everything else (masked and logged)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from graph import reconnect

MASKED_MESSAGE = "Unexpected error."
UNAVAILABLE_MESSAGE = "The database is unreachable; try again shortly."


class ClientError(Exception):
    """A mistake in the request (bad argument, cursor, page size): its message is for clients."""


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but client errors and GraphQL's own syntax/validation errors."""
    original = error.original_error
    return original is not None and not isinstance(original, ClientError | GraphQLError)


class MaskedErrors(MaskErrors):
    """Masks unexpected errors; one that only says the database is unreachable (after its
    retry on a fresh connection) is masked as that, so a client knows to try again."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        original = error.original_error
        if original is not None and reconnect.database_unreachable(original):
            masked.message = UNAVAILABLE_MESSAGE
            masked.extensions = {"code": "DATABASE_UNAVAILABLE"}
        return masked

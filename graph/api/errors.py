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
    if original is None or is_unpaired_surrogate(original):
        return False
    return not isinstance(original, ClientError | GraphQLError)


def is_unpaired_surrogate(error: BaseException) -> bool:
    """A lone surrogate (a JSON escape like "\\ud800") met the database driver's encoder.

    Only a client's input can hold one (stored text cannot), and it can match nothing, so
    a query argument holding one is the client's mistake, whichever read it reached first;
    mutations refuse it earlier, as ValidationFailed.
    """
    return isinstance(error, UnicodeEncodeError) and error.reason == "surrogates not allowed"


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

"""Errors a client caused (shown as they are) versus everything else (masked and logged)."""

from __future__ import annotations

from graphql import GraphQLError

MASKED_MESSAGE = "Unexpected error."


class ClientError(Exception):
    """A mistake in the request (bad argument, cursor, page size): its message is for clients."""


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but client errors and GraphQL's own syntax/validation errors."""
    original = error.original_error
    if original is None:
        return False
    return not isinstance(original, ClientError | GraphQLError)

"""Errors a client caused (shown as they are) versus everything else (masked and logged)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from graph import reconnect

MASKED_MESSAGE = "Unexpected error."
UNAVAILABLE_MESSAGE = "The database is unreachable; try again shortly."
# graphql-core's refusals of a request's variables or operation name, before any field runs
# (Apollo's code for them). Parse and validation errors get theirs in graph/api/admission.py.
BAD_USER_INPUT = "BAD_USER_INPUT"


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
    retry on a fresh connection) is masked as that, so a client knows to try again. Gives
    graphql-core's refusals of variables a code."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [
            self.anonymise_error(error) if self.should_mask_error(error) else _coded(error)
            for error in errors
        ]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        original = error.original_error
        if original is not None and reconnect.database_unreachable(original):
            masked.message = UNAVAILABLE_MESSAGE
            masked.extensions = {"code": "DATABASE_UNAVAILABLE"}
        return masked


def _coded(error: GraphQLError) -> GraphQLError:
    """An unmasked error with neither a path (no field ran) nor a code is graphql-core
    refusing the request's variables or operation name: BAD_USER_INPUT. (Masked errors are
    not passed here; parse, validation and limit errors have their codes already.)"""
    if error.path is not None or (error.extensions and "code" in error.extensions):
        return error
    return GraphQLError(
        error.message,
        error.nodes,
        error.source,
        error.positions,
        None,
        error.original_error,
        {**(error.extensions or {}), "code": BAD_USER_INPUT},
    )

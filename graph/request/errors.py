"""Errors a client caused (shown as they are) versus everything else (masked and logged)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from graph import reconnect
from graph.content import served_bytes

MASKED_MESSAGE = "Unexpected error."
UNAVAILABLE_MESSAGE = "The database is unreachable; try again shortly."
# graphql-core's refusals of a request's variables or operation name, before any field runs
# (Apollo's code for them). Parse and validation errors get theirs in graph/api/admission.py.
BAD_USER_INPUT = "BAD_USER_INPUT"

# An answer lists at most this many errors; one more then says how many were left out. A
# hundred posts failing alike tell a client nothing five do not, and the cost model can bound
# an answer's bytes only if its errors are bounded too.
MOST_ERRORS = 5
# Each error's message takes at most this many bytes as served (a message may quote what the
# client sent: a cursor, a slug), and at most this many of its locations are listed.
MESSAGE_BYTES = 512
MOST_LOCATIONS = 3
# The most bytes one listed error takes besides its path: `{"message":"…",` (13 + 512 + 3),
# `"locations":[…]` (15 + 3 * 34), `"path":[],` (10), `"extensions":{"code":"…"}},` (≤ 60).
ERROR_BYTES = 768
TOO_MANY_ERRORS = "TOO_MANY_ERRORS"


class ClientError(Exception):
    """A mistake in the request (bad argument, cursor, page size): its message is for clients."""


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but client errors and GraphQL's own syntax/validation errors."""
    original = error.original_error
    return original is not None and not isinstance(original, ClientError | GraphQLError)


def bounded(errors: list[GraphQLError]) -> list[GraphQLError]:
    """At most MOST_ERRORS errors, each with a bounded message and locations, and one more
    saying how many were left out."""
    kept = [_bounded_error(error) for error in errors[:MOST_ERRORS]]
    left_out = len(errors) - len(kept)
    if left_out:
        message = f"{left_out} more errors were left out; an answer lists at most {MOST_ERRORS}."
        kept.append(GraphQLError(message, extensions={"code": TOO_MANY_ERRORS}))
    return kept


def _bounded_error(error: GraphQLError) -> GraphQLError:
    message = _within(error.message, MESSAGE_BYTES)
    locations = error.locations or []
    if message == error.message and len(locations) <= MOST_LOCATIONS:
        return error
    nodes = error.nodes[:MOST_LOCATIONS] if error.nodes else None
    positions = list(error.positions)[:MOST_LOCATIONS] if error.positions and not nodes else None
    return GraphQLError(
        message,
        nodes=nodes,
        source=error.source,
        positions=positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def _within(text: str, limit: int) -> str:
    """`text`, cut (and ended with …) so it takes at most `limit` bytes as served."""
    if len(text) * 6 <= limit or served_bytes(text) <= limit:
        return text
    kept: list[str] = []
    size = 3  # the ellipsis
    for char in text:
        size += served_bytes(char)
        if size > limit:
            break
        kept.append(char)
    return "".join(kept) + "…"


class MaskedErrors(MaskErrors):
    """Masks unexpected errors; one that only says the database is unreachable (after its
    retry on a fresh connection) is masked as that, so a client knows to try again. Gives
    graphql-core's refusals of variables a code, then bounds the list (see `bounded`)."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return bounded(
            [
                self.anonymise_error(error) if self.should_mask_error(error) else _coded(error)
                for error in errors
            ]
        )

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

"""What an answer's errors can take: a few, each with a bounded message and locations."""

from __future__ import annotations

from graphql import GraphQLError, Source

from graph.content import served_bytes
from graph.request.errors import MESSAGE_BYTES, MOST_ERRORS, MOST_LOCATIONS, bounded


def test_an_answer_lists_at_most_five_errors_then_how_many_more() -> None:
    errors = [GraphQLError(f"problem {n}", path=["posts", n]) for n in range(8)]
    kept = bounded(errors)
    assert [e.message for e in kept[:MOST_ERRORS]] == [f"problem {n}" for n in range(5)]
    assert kept[MOST_ERRORS].message.startswith("3 more errors were left out")
    assert kept[MOST_ERRORS].extensions == {"code": "TOO_MANY_ERRORS"}
    assert len(kept) == MOST_ERRORS + 1
    assert bounded(errors[:MOST_ERRORS]) == errors[:MOST_ERRORS]


def test_a_long_message_is_cut_by_its_bytes_as_served() -> None:
    (cut,) = bounded([GraphQLError("Invalid cursor '" + "\\x01" * 10_000 + "'.")])
    assert cut.message.endswith("…")
    assert served_bytes(cut.message) <= MESSAGE_BYTES


def test_a_merged_field_lists_its_first_locations() -> None:
    source = Source("{ " + " ".join("a: relays { totalCount }" for _ in range(10)) + " }")
    positions = [source.body.index("a:", n * 20) for n in range(10)]
    (cut,) = bounded([GraphQLError("x", source=source, positions=positions)])
    assert cut.locations is not None and len(cut.locations) == MOST_LOCATIONS

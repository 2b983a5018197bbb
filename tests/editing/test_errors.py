"""graph.editing.errors: a refused edit says what and where in words an editor can act on."""

from __future__ import annotations

from graph.editing.errors import (
    Code,
    FieldError,
    NotFound,
    SlugTaken,
    ValidationFailed,
    VersionConflict,
)


def test_validation_failed_lists_every_field_path_in_its_message() -> None:
    error = ValidationFailed(
        [
            FieldError(("title",), "must not be empty", Code.REQUIRED),
            FieldError(("bylines", "2", "author"), "no author 'x'", Code.UNKNOWN),
        ]
    )
    assert str(error) == "title: must not be empty; bylines.2.author: no author 'x'"
    assert [e.code for e in error.errors] == [Code.REQUIRED, Code.UNKNOWN]


def test_the_other_errors_carry_what_the_caller_needs_to_retry() -> None:
    conflict = VersionConflict("post", 7)
    assert conflict.current_version == 7 and "version 7" in str(conflict)
    taken = SlugTaken("relay", "klima")
    assert taken.slug == "klima" and "'klima'" in str(taken)
    assert str(NotFound("post", 12)) == "No post 12."


def test_codes_are_the_lower_case_words_the_api_shows() -> None:
    assert Code.INVALID_SLUG == "invalid_slug" and Code("too_long") is Code.TOO_LONG

"""graph.editing.checks: every problem of an input is collected, each with its field path."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.editing.checks import Checks, in_range
from graph.editing.errors import Code, FieldError, ValidationFailed


def _refused(checks: Checks) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as refused:
        checks.done()
    return refused.value.errors


def test_an_over_long_title_is_refused_at_its_path_below_the_prefix() -> None:
    checks = Checks().at("posts", 3)
    checks.text(["title"], "x" * 301, 300, required=True)
    (error,) = _refused(checks)
    assert error.path == ("posts", "3", "title")
    assert error.code is Code.TOO_LONG
    assert "300 characters" in error.message


def test_every_problem_is_listed_not_only_the_first() -> None:
    checks = Checks()
    checks.text(["title"], "   ", 300, required=True)
    checks.slug(["slug"], "Ikke En Slug")
    checks.count(["bylines"], [1, 2, 3], 2)
    refused = _refused(checks)
    assert [(e.path, e.code) for e in refused] == [
        (("title",), Code.REQUIRED),
        (("slug",), Code.INVALID_SLUG),
        (("bylines",), Code.TOO_MANY),
    ]


def test_a_text_within_the_characters_but_too_many_bytes_is_too_long() -> None:
    # Control characters are served as \u00XX: six bytes each in the JSON answer.
    checks = Checks()
    checks.text(["teaser"], "\x01" * 10, 10)
    (error,) = _refused(checks)
    assert error.code is Code.TOO_LONG and "bytes" in error.message


def test_nested_values_are_checked_for_unstorable_characters_with_their_path() -> None:
    checks = Checks()
    checks.value(["input"], {"bylines": [{"role": "ok"}, {"role": "nul\x00"}]})
    (error,) = _refused(checks)
    assert error.path == ("input", "bylines", "1", "role")
    assert error.code is Code.INVALID_CHARACTER


def test_a_date_outside_the_storable_years_is_out_of_range() -> None:
    assert in_range(dt.date(2026, 1, 1))
    assert not in_range(dt.date(9999, 12, 31))
    assert not in_range(dt.datetime(1, 1, 1, 0, 30))  # naive: Copenhagen, before year 1 in UTC
    checks = Checks()
    checks.value(["startedOn"], dt.date(1, 6, 1))
    assert _refused(checks)[0].code is Code.OUT_OF_RANGE


def test_an_update_may_leave_a_field_out_but_not_set_it_to_null() -> None:
    checks = Checks()
    checks.not_null({"title": None, "body": "x"}, "title", "slug")
    (error,) = _refused(checks)
    assert error.path == ("title",) and error.code is Code.REQUIRED


def test_a_time_now_or_earlier_is_not_in_the_future() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    checks = Checks()
    checks.future(["publishAt"], now + dt.timedelta(seconds=1), now)
    checks.done()  # ahead: fine
    checks.future(["publishAt"], now, now)
    assert _refused(checks)[0].code is Code.IN_PAST


def test_no_problems_raise_nothing() -> None:
    checks = Checks()
    checks.text(["title"], "Et godt indlæg", 300, required=True)
    checks.slug(["slug"], "et-godt-indlaeg")
    checks.slug(["slug"], None)
    checks.done()
    assert checks.errors == []

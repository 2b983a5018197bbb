"""The controllable clock (graph/clock.py): real time unless a test moves it, then restored."""

from __future__ import annotations

import datetime as dt

from baton_desk import copenhagen

from graph import clock


def test_the_clock_is_the_real_time_in_utc() -> None:
    before = dt.datetime.now(dt.UTC)
    now = clock.now()
    assert before <= now <= dt.datetime.now(dt.UTC)
    assert now.utcoffset() == dt.timedelta(0)


def test_a_frozen_clock_stands_still_and_is_restored_after() -> None:
    moment = copenhagen(2030, 3, 4, 9)
    with clock.frozen(moment):
        assert clock.now() == moment and clock.now() == moment
        clock.freeze(copenhagen(2030, 3, 5, 9))
        assert clock.now() == copenhagen(2030, 3, 5, 9)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_a_shifted_clock_runs_on_ahead() -> None:
    with clock.shifted(dt.timedelta(days=3)):
        ahead = clock.now() - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=3) - dt.timedelta(seconds=5) < ahead <= dt.timedelta(days=3)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_today_is_the_copenhagen_date() -> None:
    # 23:30 UTC on 4 March is already 5 March in Copenhagen (UTC+1 in winter).
    with clock.frozen(dt.datetime(2030, 3, 4, 23, 30, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2030, 3, 5)
    # …and in summer time (UTC+2) from 22:00 UTC.
    with clock.frozen(dt.datetime(2030, 7, 1, 22, 0, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2030, 7, 2)

"""The time as the baton's rules see it: the real time, unless a test has moved it.

`now()` is aware UTC and `today()` the Copenhagen date of it. Tests move time without
sleeping, for everything that reads this clock (in this process, workers included):

    with clock.frozen(moment):          # now() is `moment` inside the block
        clock.freeze(later_moment)      # …and may be moved on inside it
    with clock.shifted(timedelta(days=3)):  # now() runs on, three days ahead
        clock.advance(timedelta(hours=1))   # …and jumps on an hour more

Each block restores the clock it found. Outside tests the clock is never moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass
class _Setting:
    """Either a fixed moment, or the real time plus an offset."""

    frozen_at: dt.datetime | None = None
    offset: dt.timedelta = dt.timedelta(0)


# A module global rather than a context variable: a worker task started before a test moves
# the clock must see the move too.
_setting = _Setting()


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    if _setting.frozen_at is not None:
        return _setting.frozen_at
    return dt.datetime.now(dt.UTC) + _setting.offset


def today() -> dt.date:
    """The current date in Copenhagen."""
    return now().astimezone(COPENHAGEN).date()


def freeze(moment: dt.datetime) -> None:
    """Stop the clock at `moment` (aware) until it is moved again or reset."""
    if moment.tzinfo is None:
        raise ValueError("freeze needs an aware datetime")
    _setting.frozen_at = moment.astimezone(dt.UTC)


def set_offset(offset: dt.timedelta) -> None:
    """Let the clock run on, `offset` away from the real time."""
    _setting.frozen_at = None
    _setting.offset = offset


def advance(step: dt.timedelta) -> None:
    """Move the clock on by `step`, frozen or running."""
    if _setting.frozen_at is not None:
        _setting.frozen_at += step
    else:
        _setting.offset += step


def reset() -> None:
    """Back to the real time."""
    set_offset(dt.timedelta(0))


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """The clock stands at `moment` inside the block (`freeze` may move it on)."""
    saved = _Setting(_setting.frozen_at, _setting.offset)
    freeze(moment)
    try:
        yield
    finally:
        _setting.frozen_at, _setting.offset = saved.frozen_at, saved.offset


@contextmanager
def shifted(offset: dt.timedelta) -> Iterator[None]:
    """The clock runs `offset` away from the real time inside the block."""
    saved = _Setting(_setting.frozen_at, _setting.offset)
    set_offset(offset)
    try:
        yield
    finally:
        _setting.frozen_at, _setting.offset = saved.frozen_at, saved.offset

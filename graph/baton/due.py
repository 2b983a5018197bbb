"""Which baton mails are due on a given day: reminders before the due date, overdue after it.

Only held batons of active relays whose invitation went out get either, so a reminder never
arrives before its invitation. A baton passed inside the reminder window gets no reminder:
its invitation already says how little time is left.
"""

from __future__ import annotations

import datetime as dt

from tortoise.queryset import QuerySet

from graph import models
from graph.baton.mails import MailKind
from graph.clock import COPENHAGEN

DueMail = tuple[int, MailKind]


def _held() -> QuerySet[models.Baton]:
    return models.Baton.filter(
        state=models.BatonState.HELD,
        invitation_sent_at__isnull=False,
        relay__status=models.RelayStatus.ACTIVE,
    )


async def due_reminders(today: dt.date, reminder_days: int) -> list[DueMail]:
    """Reminders due: the due date is at most `reminder_days` ahead and none was sent."""
    window = dt.timedelta(days=reminder_days)
    rows = await (
        _held()
        .filter(reminder_sent_at__isnull=True, due_on__gte=today, due_on__lte=today + window)
        .values_list("id", "due_on", "passed_at")
    )
    return [
        (baton_id, MailKind.REMINDER)
        for baton_id, due_on, passed_at in rows
        if passed_at.astimezone(COPENHAGEN).date() < due_on - window
    ]


async def due_overdue_notices(today: dt.date) -> list[DueMail]:
    """Overdue notices due: the due date has passed and none was sent."""
    rows = await _held().filter(overdue_sent_at__isnull=True, due_on__lt=today).values("id")
    return [(row["id"], MailKind.OVERDUE) for row in rows]


async def due_mails(today: dt.date, reminder_days: int) -> list[DueMail]:
    """Every reminder and overdue notice due on `today` that has not gone out."""
    return [*await due_reminders(today, reminder_days), *await due_overdue_notices(today)]

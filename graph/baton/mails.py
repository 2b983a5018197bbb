"""The baton's mails, in Danish: the invitation, the reminder and the overdue notice."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from enum import StrEnum

from graph.mail import Mail


class MailKind(StrEnum):
    """The three mails a baton's author can get, each at most once."""

    INVITATION = "invitation"
    REMINDER = "reminder"
    OVERDUE = "overdue"


# The baton column that records when each mail went out.
SENT_AT = {
    MailKind.INVITATION: "invitation_sent_at",
    MailKind.REMINDER: "reminder_sent_at",
    MailKind.OVERDUE: "overdue_sent_at",
}

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]

SIGNATURE = "Venlig hilsen\nRedaktionen"


@dataclass(frozen=True)
class Facts:
    """What a baton mail tells its reader."""

    to: str
    author_name: str
    relay_title: str
    due_on: dt.date
    today: dt.date


def danish_date(day: dt.date) -> str:
    """A date as Danes write it in a letter: "fredag den 14. marts 2025"."""
    return f"{WEEKDAYS[day.weekday()]} den {day.day}. {MONTHS[day.month - 1]} {day.year}"


def _time_left(facts: Facts) -> str:
    days = (facts.due_on - facts.today).days
    if days <= 0:
        return "i dag"
    return "i morgen" if days == 1 else f"om {days} dage"


def _one_line(text: str) -> str:
    # A title may hold line breaks; a subject line must not.
    return " ".join(text.split())


def _paragraphs(kind: MailKind, facts: Facts) -> tuple[str, list[str]]:
    """The subject and the body's paragraphs for one kind of mail."""
    relay, due = _one_line(facts.relay_title), danish_date(facts.due_on)
    greeting = f"Hej {facts.author_name}"
    if kind is MailKind.INVITATION:
        return f"Stafetten er din: {relay}", [
            greeting,
            f"Du har fået stafetten i »{relay}«. Vi glæder os til at læse dit indlæg, "
            f"som gerne må være klar senest {due}.",
            "Har du spørgsmål, er du velkommen til at kontakte redaktionen.",
        ]
    if kind is MailKind.REMINDER:
        return f"Påmindelse: dit indlæg til {relay}", [
            greeting,
            f"En venlig påmindelse: dit indlæg til stafetten »{relay}« skal være klar "
            f"senest {due} ({_time_left(facts)}).",
            "Har du brug for mere tid, så skriv til redaktionen.",
        ]
    return f"Dit indlæg til {relay} er forsinket", [
        greeting,
        f"Dit indlæg til stafetten »{relay}« skulle have været klar {due}.",
        "Vi glæder os stadig til at læse det. Har du brug for mere tid, så skriv til "
        "redaktionen, så finder vi en ny dato.",
    ]


def compose(kind: MailKind, facts: Facts) -> Mail:
    """The mail of this kind, as plain text and as HTML with everything escaped."""
    subject, paragraphs = _paragraphs(kind, facts)
    paragraphs = [*paragraphs, SIGNATURE]
    text = "\n\n".join(paragraphs) + "\n"
    body = "\n".join(
        f"<p>{html.escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in paragraphs
    )
    page = (
        '<!DOCTYPE html>\n<html lang="da">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    # RFC 3834: an automatic mail, so auto-responders do not answer it.
    return Mail(facts.to, subject, text, page, {"Auto-Submitted": "auto-generated"})

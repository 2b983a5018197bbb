"""Helpers for the baton tests: the passBaton document, reading a relay's baton, moments."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from conftest import GraphQL
from fixtures.editing import ERRORS, Desk

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

BATON = """state dueOn passedBy passedAt invitationSentAt reminderSentAt overdueSentAt handedOnAt
  author { slug email } relay { slug } post { slug }"""

PASS = f"""mutation ($input: PassBatonInput!) {{
  result: passBaton(input: $input) {{ {ERRORS} ... on Baton {{ {BATON} }} }}
}}"""

RELAY_BATON = f"""query ($slug: String!) {{ relay(slug: $slug) {{ baton {{ {BATON} }} }} }}"""


def copenhagen(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment given as Copenhagen wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN)


def address(desk: Desk, name: str = "skribent") -> str:
    """An e-mail address no other test uses."""
    return f"{name}.{desk.tag}@eksempel.dk"


async def pass_baton(
    caller: GraphQL, relay: dict[str, Any], author: dict[str, Any], due_on: dt.date | str
) -> dict[str, Any]:
    """Run passBaton; the baton or the typed error."""
    due = due_on if isinstance(due_on, str) else due_on.isoformat()
    data = await caller.data(
        PASS, input={"relay": relay["id"], "author": author["id"], "dueOn": due}
    )
    result: dict[str, Any] = data["result"]
    return result


async def passed(
    desk: Desk, relay: dict[str, Any], author: dict[str, Any], due_on: dt.date
) -> dict[str, Any]:
    """Pass the baton as the desk's editor; it must succeed."""
    baton = await pass_baton(desk.editor, relay, author, due_on)
    assert baton["__typename"] == "Baton", baton
    return baton


async def relay_baton(caller: GraphQL, relay: dict[str, Any]) -> dict[str, Any] | None:
    """`relay.baton` as this caller sees it."""
    data = await caller.data(RELAY_BATON, slug=relay["slug"])
    baton: dict[str, Any] | None = data["relay"]["baton"]
    return baton


def subjects(messages: list[EmailMessage]) -> list[str]:
    """The subjects of these messages, in arrival order."""
    return [str(message["Subject"]) for message in messages]


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None, message
    return str(text.get_content()), str(html.get_content())  # type: ignore[attr-defined]

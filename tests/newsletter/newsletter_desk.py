"""Helpers for the newsletter tests: a newsroom with an SMTP sink, readers, and their mails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from conftest import GraphQL
from fixtures.editing import Desk, open_desk
from fixtures.jobs import job_settings, run_due_jobs
from fixtures.smtp import SmtpSink, smtp_sink

from graph import models
from graph.settings import Settings

REFUSED = "... on ValidationFailed { message fieldErrors { path code message } }"
SUBSCRIBE = f"""mutation ($input: SubscribeInput!) {{ result: subscribe(input: $input) {{
  __typename ... on SubscriptionRequested {{ email relays }} {REFUSED} }} }}"""
SUBSCRIPTION = "... on NewsletterSubscription { email relays confirmed subscribed }"
CONFIRM = f"""mutation ($input: ConfirmSubscriptionInput!) {{
  result: confirmSubscription(input: $input) {{ __typename {SUBSCRIPTION} {REFUSED} }} }}"""
UNSUBSCRIBE = f"""mutation ($input: UnsubscribeInput!) {{
  result: unsubscribe(input: $input) {{ __typename {SUBSCRIPTION} {REFUSED} }} }}"""

CONFIRMATION_SUBJECT = "Bekræft din tilmelding til nye indlæg"
POST_SUBJECT_START = "Nyt indlæg i "


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None, message
    return str(text.get_content()), str(html.get_content())  # type: ignore[attr-defined]


def link(message: EmailMessage, path: str) -> str:
    """The one link to `path` in the message's text part."""
    text, _ = parts(message)
    links = [word for word in text.split() if urlsplit(word).path == path]
    assert len(links) == 1, text
    return links[0]


def token(url: str) -> str:
    """The `token` query parameter of a link."""
    (value,) = parse_qs(urlsplit(url).query)["token"]
    return value


@dataclass
class Newsroom:
    """A desk (relays, posts) plus readers who subscribe, and the sink their mail goes to."""

    gql: GraphQL
    desk: Desk
    sink: SmtpSink
    settings: Settings

    @property
    def http(self) -> httpx.AsyncClient:
        """The client that talks to the app (for the pages behind mail links)."""
        return self.gql.http

    def address(self, name: str = "laeser") -> str:
        """An e-mail address no other test uses."""
        return f"{name}.{self.desk.tag}@eksempel.dk"

    async def subscribe(self, email: str, *relays: str) -> dict[str, Any]:
        """Run `subscribe` anonymously; its result."""
        data = await self.gql.data(SUBSCRIBE, input={"email": email, "relays": list(relays)})
        result: dict[str, Any] = data["result"]
        return result

    async def confirm(self, confirm_token: str) -> dict[str, Any]:
        """Run `confirmSubscription`; its result."""
        data = await self.gql.data(CONFIRM, input={"token": confirm_token})
        result: dict[str, Any] = data["result"]
        return result

    async def unsubscribe(self, unsubscribe_token: str) -> dict[str, Any]:
        """Run `unsubscribe`; its result."""
        data = await self.gql.data(UNSUBSCRIBE, input={"token": unsubscribe_token})
        result: dict[str, Any] = data["result"]
        return result

    def confirmations(self, email: str) -> list[EmailMessage]:
        """Confirmation mails that reached `email`."""
        return [m for m in self.sink.inbox.to(email) if m["Subject"] == CONFIRMATION_SUBJECT]

    def post_mails(self, email: str) -> list[EmailMessage]:
        """Post mails that reached `email`."""
        inbox = self.sink.inbox.to(email)
        return [m for m in inbox if str(m["Subject"]).startswith(POST_SUBJECT_START)]

    def confirm_token(self, email: str) -> str:
        """The token of the latest confirmation mail to `email`."""
        return token(link(self.confirmations(email)[-1], "/newsletter/confirm"))

    def unsubscribe_token(self, email: str) -> str:
        """The token of the unsubscribe link in the latest post mail to `email`."""
        return token(link(self.post_mails(email)[-1], "/newsletter/unsubscribe"))

    async def reader(self, name: str, *relays: str) -> str:
        """A confirmed subscriber of the relays (through the mail's link); the address."""
        email = self.address(name)
        assert (await self.subscribe(email, *relays))["__typename"] == "SubscriptionRequested"
        await run_due_jobs()
        confirmed = await self.confirm(self.confirm_token(email))
        assert confirmed["confirmed"] is True, confirmed
        return email

    async def relay(self) -> dict[str, Any]:
        """A new relay of this test's own."""
        return await self.desk.relay()

    async def publish(self, relay: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """A new post in the relay, published by the editor."""
        return await self.desk.published(relay, **fields)

    async def ledger(self, post: dict[str, Any]) -> list[models.NewsletterSend]:
        """The post's sent-ledger rows."""
        return await models.NewsletterSend.filter(post__slug=post["slug"]).order_by("id")

    async def clear(self) -> None:
        """Delete the readers made here (their subscriptions and ledger rows go with them)."""
        await models.Subscriber.filter(email__contains=self.desk.tag).delete()


@asynccontextmanager
async def open_newsroom(
    gql: GraphQL, editor: GraphQL, database_url: str
) -> AsyncIterator[Newsroom]:
    """A newsroom whose jobs mail to a fresh SMTP sink; what it made is deleted afterwards."""
    with smtp_sink() as sink, job_settings(database_url, **sink.env) as settings:
        async with open_desk(editor) as desk:
            room = Newsroom(gql, desk, sink, settings)
            try:
                yield room
            finally:
                await room.clear()

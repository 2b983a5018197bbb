"""Sending mail over SMTP (aiosmtplib): plain text plus HTML, settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import Policy
from email.utils import formatdate, make_msgid

import aiosmtplib

from graph.settings import Settings


class MailError(Exception):
    """The SMTP server could not be reached or refused the message; try again later."""


@dataclass(frozen=True)
class Mail:
    """One message to one recipient."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


class VerbatimHeader(str):
    """An ASCII header value sent as written: never folded, never RFC 2047-encoded.

    The email package folds values longer than 78 characters, and one without spaces (a
    `<https://…?token=…>` link) it can only fold by encoding it as `=?utf-8?q?…?=`, which
    mail clients do not decode in List-Unsubscribe. RFC 5322 allows lines of 998.
    """

    name: str

    def __new__(cls, name: str, value: str) -> VerbatimHeader:
        if not value.isascii() or "\r" in value or "\n" in value or len(value) > 900:
            raise ValueError(f"{name}: not a one-line ASCII header value")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: Policy) -> str:
        """The header line as the generator writes it."""
        return f"{self.name}: {self}{policy.linesep}"


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message: multipart/alternative with the text part first."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    for name, value in mail.headers.items():
        # Only our own headers come here (links, list headers): ASCII, one line each.
        message[name] = VerbatimHeader(name, value)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


async def send(mail: Mail, settings: Settings) -> None:
    """Hand the mail to the SMTP server; MailError when that fails (nothing was sent)."""
    security = settings.smtp_security.lower()
    try:
        await aiosmtplib.send(
            build_message(mail, settings.mail_from),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            use_tls=security == "tls",
            start_tls=security == "starttls",
            timeout=settings.smtp_timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error

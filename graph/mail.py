"""Sending mail over SMTP (aiosmtplib): plain text plus HTML, settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
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


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message: multipart/alternative with the text part first."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    for name, value in mail.headers.items():
        message[name] = value
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

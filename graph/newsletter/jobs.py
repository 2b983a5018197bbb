"""Newsletter jobs: the confirmation mail, and a published post's mails from the ledger.

Both read their rows afresh, send over SMTP outside any transaction (on SQLite a transaction
held across the network would block every writer), and raise RetryLater while the SMTP
server is down, so mail is delayed but never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from graph import mail, models, reconnect
from graph.jobs.engine import (
    BACKOFF,
    RetryLater,
    app,
    defer,
    is_waiting,
    job_settings,
    waiting_jobs,
)
from graph.newsletter import ledger, mails, subscribers, tokens
from graph.newsletter.ledger import PostNews
from graph.newsletter.tokens import Purpose
from graph.settings import Settings

log = logging.getLogger(__name__)

# A claim outlives any one SMTP exchange (connect, EHLO, MAIL, RCPT, DATA: each may take up
# to the timeout); a worker that died mid-send frees its rows when the lease runs out.
MIN_LEASE = dt.timedelta(minutes=5)
SMTP_STEPS = 10
# This many failures in a row means the server is down, not refusing one address: stop
# knocking and let the retry come back for the rest.
DOWN_AFTER_FAILURES = 3
# A follow-up looks again a moment after another worker's lease has run out.
LEASE_MARGIN = dt.timedelta(seconds=1)


def confirmation_lock(subscriber_id: int) -> str:
    """Confirmation jobs for one subscriber run one at a time, so the mail goes once."""
    return f"newsletter-confirmation-{subscriber_id}"


def post_lock(post_id: int) -> str:
    """Mail jobs for one post run one at a time (the claims make overlap safe, not useful)."""
    return f"newsletter-post-{post_id}"


def lease(settings: Settings) -> dt.timedelta:
    """How long a claimed ledger row stays ours."""
    return max(MIN_LEASE, dt.timedelta(seconds=settings.smtp_timeout_s * SMTP_STEPS))


@app.task(name="send_newsletter_confirmation", retry=BACKOFF)
async def send_confirmation(subscriber_id: int) -> None:
    """Mail the confirmation link, unless the address is confirmed, gone or already asked."""
    subscriber = await models.Subscriber.get_or_none(id=subscriber_id)
    if subscriber is None or not subscribers.awaits_confirmation(subscriber):
        return
    if subscriber.confirmation_sent_at is not None:
        return
    settings = job_settings()
    token = (await tokens.signer(settings.secret_key)).token(Purpose.CONFIRM, subscriber.id)
    relays = await subscribers.relays_of(subscriber.id)
    message = mails.confirmation_mail(settings, subscriber.email, relays, token)
    try:
        await mail.send(message, settings)
    except mail.MailError as error:
        raise RetryLater(
            str(error), settings.mail_retry_base_s, settings.mail_retry_cap_s
        ) from error
    # The mail has gone: were this write lost with a dropped connection, the retry would
    # mail it again. It is safe to repeat, so it gets one retry on a fresh connection.
    await reconnect.once_more(
        lambda: subscribers.mark_confirmation_sent(subscriber.id), "marking a confirmation sent"
    )


@app.task(name="send_newsletter_post_mails", retry=BACKOFF)
async def send_post_mails(post_id: int) -> None:
    """Mail every unsent ledger row of the post that this run can claim, each once."""
    news = await ledger.published_post(post_id)
    if news is None:
        # Unpublished before its mail went out: the rows wait for a re-publish.
        return
    settings = job_settings()
    run = MailRun(news, uuid.uuid4().hex, settings, await tokens.signer(settings.secret_key))
    await run.send_all()
    if run.failed:
        raise RetryLater(
            f"{run.failed} mail(s) not sent: {run.last_error}",
            run.settings.mail_retry_base_s,
            run.settings.mail_retry_cap_s,
        )
    held_until = await ledger.others_hold_until(post_id, run.worker)
    if held_until is not None:
        # Another worker holds some rows. If it dies, nobody else would look at them again.
        await defer(
            send_post_mails, at=held_until + LEASE_MARGIN, lock=post_lock(post_id), post_id=post_id
        )


class MailRun:
    """One run over a post's ledger rows under one claim id."""

    def __init__(
        self, news: PostNews, worker: str, settings: Settings, signer: tokens.Signer
    ) -> None:
        self.news = news
        self.worker = worker
        self.settings = settings
        self.signer = signer
        self.failed = 0
        self.last_error = ""

    async def send_all(self) -> None:
        """Try each unsent row once, stopping early when the server seems down."""
        in_a_row = 0
        for send_id in await ledger.unsent(self.news.post_id):
            if in_a_row >= DOWN_AFTER_FAILURES:
                break
            error = await self.send_one(send_id)
            if error is None:
                in_a_row = 0
                continue
            in_a_row += 1
            self.failed += 1
            self.last_error = error

    async def send_one(self, send_id: int) -> str | None:
        """Claim, send and mark one row; the error if the SMTP server failed."""
        if not await ledger.claim(send_id, self.worker, lease(self.settings)):
            return None
        subscriber = await ledger.recipient(send_id)
        if subscriber is None:
            await ledger.forget(send_id, self.worker)
            return None
        token = self.signer.token(Purpose.UNSUBSCRIBE, subscriber.id)
        message = mails.post_mail(self.settings, subscriber.email, self.news, token)
        try:
            await mail.send(message, self.settings)
        except mail.MailError as error:
            await ledger.release(send_id, self.worker, str(error))
            log.warning("newsletter mail %s not sent: %s", send_id, error)
            return str(error)
        # As for confirmations: a lost write here would hold the row until its lease ends.
        await reconnect.once_more(
            lambda: ledger.mark_sent(send_id, self.worker), "marking a newsletter mail sent"
        )
        return None


async def requeue_due() -> int:
    """Defer what the tables say is due and has no job waiting: confirmations never sent,
    posts with unsent mail. How many jobs it deferred."""
    deferred = 0
    waiting = await waiting_jobs(send_confirmation)
    for subscriber_id in await subscribers.never_asked():
        if not is_waiting(waiting, subscriber_id=subscriber_id):
            lock = confirmation_lock(subscriber_id)
            await defer(send_confirmation, lock=lock, subscriber_id=subscriber_id)
            deferred += 1
    waiting = await waiting_jobs(send_post_mails)
    for post_id in await ledger.posts_with_unsent():
        if not is_waiting(waiting, post_id=post_id):
            await defer(send_post_mails, lock=post_lock(post_id), post_id=post_id)
            deferred += 1
    return deferred

"""The baton's jobs: one job per mail, and a sweep every minute that finds reminders due.

Every mail job for a baton shares the lock `baton-<id>`, so two never run at once; each
checks its `*_sent_at` column first, so a mail deferred twice still goes out once. A mail
server that is down makes the job retry with backoff until it is back or the baton has moved
on (handed on or replaced): nothing is given up while the mail still matters.
"""

from __future__ import annotations

import datetime as dt
import logging

from graph import clock, models, reconnect
from graph.baton import due
from graph.baton.mails import SENT_AT, Facts, MailKind, compose
from graph.jobs.engine import BACKOFF, RetryLater, app, defer, job_settings, waiting_jobs
from graph.mail import MailError, send

log = logging.getLogger(__name__)

TASK_NAME = "send_baton_mail"


@app.task(name=TASK_NAME, retry=BACKOFF)
async def send_baton_mail(baton_id: int, kind: str) -> None:
    """Send one baton mail, unless the baton has moved on or this mail already went out."""
    mail_kind = MailKind(kind)
    baton = await models.Baton.get_or_none(id=baton_id).prefetch_related("relay", "author")
    if baton is None or baton.state != models.BatonState.HELD:
        return
    if getattr(baton, SENT_AT[mail_kind]) is not None:
        return
    author, relay = baton.author, baton.relay
    if not author.email:
        log.warning("baton %s: the author's e-mail address was removed; no %s", baton_id, kind)
        return
    settings = job_settings()
    facts = Facts(author.email, author.name, relay.title, baton.due_on, clock.today())
    try:
        # No transaction is open here: SMTP may take seconds, and SQLite has one writer.
        await send(compose(mail_kind, facts), settings)
    except MailError as error:
        retry = RetryLater(str(error), settings.mail_retry_base_s, settings.mail_retry_cap_s)
        raise retry from error
    # The mail has gone: were this write lost with a dropped connection, the retry would
    # mail it again. It is safe to repeat, so it gets one retry on a fresh connection.
    sent_at = {SENT_AT[mail_kind]: clock.now()}
    await reconnect.once_more(
        lambda: models.Baton.filter(id=baton_id).update(**sent_at), "marking a baton mail sent"
    )
    log.info("baton %s: %s mailed to the author", baton_id, kind)


async def defer_mail(baton_id: int, kind: MailKind) -> None:
    """Queue one baton mail (inside the caller's transaction, if any)."""
    await defer(send_baton_mail, lock=f"baton-{baton_id}", baton_id=baton_id, kind=kind.value)


async def sweep_batons(now: dt.datetime) -> list[due.DueMail]:
    """Queue every reminder and overdue notice due at `now` that is not queued yet.

    Returns what it queued. A mail already waiting (say, retrying while the mail server is
    down) is not queued again, so a long outage does not pile up a job a minute.
    """
    today = now.astimezone(clock.COPENHAGEN).date()
    wanted = await due.due_mails(today, job_settings().baton_reminder_days)
    queued = await _queued_mails()
    fresh = [mail for mail in wanted if mail not in queued]
    for baton_id, kind in fresh:
        await defer_mail(baton_id, kind)
    return fresh


@app.periodic(cron="* * * * *")
@app.task(name="sweep_batons")
async def sweep_batons_every_minute(timestamp: int) -> None:
    """The periodic sweep (the engine passes the minute it stands for; the clock decides)."""
    await sweep_batons(clock.now())


async def _queued_mails() -> set[due.DueMail]:
    """Baton mails waiting in the job queue or being sent right now."""
    args = await waiting_jobs(send_baton_mail)
    return {(int(arg["baton_id"]), MailKind(arg["kind"])) for arg in args}


async def requeue_due() -> int:
    """Queue the invitation of every held baton that has none sent or waiting; how many.

    Reminders and overdue notices need nothing here: the baton sweep finds them.
    """
    queued = await _queued_mails()
    rows = await models.Baton.filter(
        state=models.BatonState.HELD, invitation_sent_at__isnull=True
    ).values("id")
    deferred = 0
    for row in rows:
        if (row["id"], MailKind.INVITATION) not in queued:
            await defer_mail(row["id"], MailKind.INVITATION)
            deferred += 1
    return deferred

"""The baton's mails through a real SMTP server and a real worker, with the clock moved by hand.

The clock starts on Monday 4 March 2030, 09:00 in Copenhagen; batons fall due on Friday
15 March, so with BATON_REMINDER_DAYS=3 the reminder is due from Tuesday 12 March and the
overdue notice from Saturday 16 March.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from baton_desk import address, copenhagen, parts, passed, relay_baton, subjects
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk
from fixtures.jobs import eventually, job_settings, run_due_jobs, running_worker
from fixtures.smtp import SmtpSink, smtp_sink

from graph import clock, models
from graph.baton.jobs import (
    TASK_NAME,
    requeue_due,
    send_baton_mail,
    sweep_batons,
    sweep_batons_every_minute,
)
from graph.jobs.engine import app
from graph.settings import Settings

START = copenhagen(2030, 3, 4, 9)
DUE = dt.date(2030, 3, 15)
INVITATION = "Stafetten er din: "
REMINDER = "Påmindelse: dit indlæg til "
OVERDUE = "Dit indlæg til "


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_sink() as running:
        yield running


@pytest.fixture
def mail_settings(database: str, sink: SmtpSink) -> Iterator[Settings]:
    with job_settings(database, BATON_REMINDER_DAYS="3", **sink.env) as settings:
        yield settings


@pytest.fixture(autouse=True)
def at_start() -> Iterator[None]:
    with clock.frozen(START):
        yield


async def sweep_at(moment: dt.datetime) -> None:
    """Move the clock to `moment`, sweep as the periodic job would, and send what it queued."""
    clock.freeze(moment)
    await sweep_batons(clock.now())
    await run_due_jobs()


async def holding(desk: Desk, due_on: dt.date = DUE, **relay: Any) -> tuple[dict[str, Any], str]:
    """A relay whose baton a new author holds, invitation sent: (relay, the author's address)."""
    to = address(desk, f"holder{desk.slugs_made}")
    author = await desk.author(email=to)
    made = await desk.relay(**relay)
    await passed(desk, made, author, due_on)
    await run_due_jobs()
    return made, to


def kinds(sink: SmtpSink, to: str) -> list[str]:
    """Which baton mails `to` got, in order."""
    names = {INVITATION: "invitation", REMINDER: "reminder", OVERDUE: "overdue"}
    return [
        next(kind for prefix, kind in names.items() if subject.startswith(prefix))
        for subject in subjects(sink.inbox.to(to))
    ]


async def test_the_invitation_names_the_relay_and_the_due_date(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, to = await holding(desk, title=f"Ledelse & <tillid> {desk.tag}")
    (mail,) = sink.inbox.to(to)
    assert mail["Subject"] == f"Stafetten er din: Ledelse & <tillid> {desk.tag}"
    assert mail["Auto-Submitted"] == "auto-generated"
    text, html = parts(mail)
    assert f"»Ledelse & <tillid> {desk.tag}«" in text
    assert "senest fredag den 15. marts 2030" in text
    assert f"»Ledelse &amp; &lt;tillid&gt; {desk.tag}«" in html
    assert "<tillid>" not in html
    baton = await relay_baton(desk.editor, relay)
    assert baton is not None and baton["invitationSentAt"] == "2030-03-04T09:00:00+01:00"


async def test_no_reminder_before_the_day_three_days_ahead_and_one_on_it(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, to = await holding(desk)
    await sweep_at(copenhagen(2030, 3, 11, 23, 59))
    assert kinds(sink, to) == ["invitation"]
    await sweep_at(copenhagen(2030, 3, 12, 0, 1))
    assert kinds(sink, to) == ["invitation", "reminder"]
    text, _ = parts(sink.inbox.to(to)[1])
    assert "senest fredag den 15. marts 2030 (om 3 dage)" in text
    await sweep_at(copenhagen(2030, 3, 13, 8))
    await sweep_at(copenhagen(2030, 3, 15, 23, 59))
    assert kinds(sink, to) == ["invitation", "reminder"]
    baton = await relay_baton(desk.editor, relay)
    assert baton is not None and baton["reminderSentAt"] == "2030-03-12T00:01:00+01:00"


async def test_one_overdue_notice_after_the_due_date(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, to = await holding(desk)
    await sweep_at(copenhagen(2030, 3, 12, 9))
    await sweep_at(copenhagen(2030, 3, 15, 23, 59))
    assert kinds(sink, to) == ["invitation", "reminder"]
    await sweep_at(copenhagen(2030, 3, 16, 0, 0))
    await sweep_at(copenhagen(2030, 3, 20, 9))
    assert kinds(sink, to) == ["invitation", "reminder", "overdue"]
    text, _ = parts(sink.inbox.to(to)[2])
    assert "skulle have været klar fredag den 15. marts 2030" in text
    baton = await relay_baton(desk.editor, relay)
    assert baton is not None and baton["state"] == "HELD"


async def test_a_baton_passed_inside_the_reminder_window_gets_no_reminder(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    _, to = await holding(desk, due_on=dt.date(2030, 3, 6))
    await sweep_at(copenhagen(2030, 3, 6, 9))
    assert kinds(sink, to) == ["invitation"]
    await sweep_at(copenhagen(2030, 3, 7, 9))
    assert kinds(sink, to) == ["invitation", "overdue"]


async def test_publishing_the_holders_post_hands_the_baton_on_and_stops_the_mails(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, to = await holding(desk)
    holder = await models.Author.get(email=to)
    post = await desk.published(relay, bylines=[{"author": holder.slug}])
    baton = await relay_baton(desk.editor, relay)
    assert baton is not None
    assert (baton["state"], baton["post"]) == ("HANDED_ON", {"slug": post["slug"]})
    await sweep_at(copenhagen(2030, 3, 12, 9))
    await sweep_at(copenhagen(2030, 3, 18, 9))
    assert kinds(sink, to) == ["invitation"]


async def test_passing_again_replaces_the_baton_and_its_mails_stop(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, first = await holding(desk)
    second = address(desk, "naeste")
    await passed(desk, relay, await desk.author(email=second), dt.date(2030, 3, 22))
    await run_due_jobs()
    await sweep_at(copenhagen(2030, 3, 19, 9))
    await sweep_at(copenhagen(2030, 3, 23, 9))
    assert kinds(sink, first) == ["invitation"]
    assert kinds(sink, second) == ["invitation", "reminder", "overdue"]


async def test_a_sweep_does_not_queue_a_mail_that_is_already_waiting(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, to = await holding(desk)
    clock.freeze(copenhagen(2030, 3, 12, 9))
    baton = await models.Baton.get(relay__slug=relay["slug"])
    assert await sweep_batons(clock.now()) == [(baton.id, "reminder")]
    assert await sweep_batons(clock.now()) == []
    await run_due_jobs()
    assert kinds(sink, to) == ["invitation", "reminder"]


async def test_the_sweep_is_a_job_the_worker_defers_every_minute(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    periodic = app.periodic_registry.periodic_tasks[("sweep_batons", "")]
    assert (periodic.cron, periodic.task) == ("* * * * *", sweep_batons_every_minute)
    _, to = await holding(desk)
    clock.freeze(copenhagen(2030, 3, 12, 9))
    # The timestamp is the minute the engine deferred it for; the clock decides what is due.
    await sweep_batons_every_minute(timestamp=int(START.timestamp()))
    await run_due_jobs()
    assert kinds(sink, to) == ["invitation", "reminder"]


async def test_a_mail_job_that_runs_twice_mails_once(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    relay, to = await holding(desk)
    baton = await models.Baton.get(relay__slug=relay["slug"])
    await send_baton_mail(baton_id=baton.id, kind="invitation")
    await send_baton_mail(baton_id=baton.id, kind="invitation")
    assert kinds(sink, to) == ["invitation"]


async def test_a_lost_invitation_job_is_queued_again_at_start_up(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    to = address(desk)
    relay = await desk.relay()
    await passed(desk, relay, await desk.author(email=to), DUE)
    baton = await models.Baton.get(relay__slug=relay["slug"])
    # As if the process died: the in-memory queue (or a wiped job table) forgot the job.
    for job in await app.job_manager.list_jobs_async(lock=f"baton-{baton.id}", status="todo"):
        if job.id is not None:
            await app.job_manager.cancel_job_by_id_async(job.id)
    await run_due_jobs()
    assert sink.inbox.to(to) == []
    await requeue_due()
    await run_due_jobs()
    assert kinds(sink, to) == ["invitation"]


async def test_an_invitation_waits_out_a_mail_server_outage_and_arrives_once(
    desk: Desk, sink: SmtpSink, mail_settings: Settings
) -> None:
    to = address(desk)
    relay = await desk.relay()
    sink.stop()
    await passed(desk, relay, await desk.author(email=to), DUE)
    baton = await models.Baton.get(relay__slug=relay["slug"])

    async def failed_runs() -> int:
        jobs = await app.job_manager.list_jobs_async(task=TASK_NAME, lock=f"baton-{baton.id}")
        return sum(job.attempts for job in jobs)

    async def invited() -> bool:
        return (await models.Baton.get(id=baton.id)).invitation_sent_at is not None

    async with running_worker(mail_settings):
        assert await eventually(lambda: _at_least(failed_runs, 2))
        assert sink.inbox.to(to) == []
        sink.start()
        await eventually(invited)
    assert kinds(sink, to) == ["invitation"]


async def _at_least(count: Any, minimum: int) -> bool:
    return bool(await count() >= minimum)

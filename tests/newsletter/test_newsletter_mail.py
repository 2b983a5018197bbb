"""Post mails: once per confirmed subscriber and post, whatever the SMTP server or workers do."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures.editing import earlier
from fixtures.jobs import eventually, run_due_jobs, running_worker
from newsletter_desk import Newsroom, link, open_newsroom, parts

from graph import models
from graph.jobs.engine import app
from graph.newsletter import jobs


@pytest.fixture
async def room(gql: GraphQL, editor: GraphQL, database_url: str) -> AsyncIterator[Newsroom]:
    async with open_newsroom(gql, editor, database_url) as room:
        yield room


async def test_a_published_post_is_mailed_once_to_each_confirmed_subscriber(
    room: Newsroom,
) -> None:
    relay, other = await room.relay(), await room.relay()
    readers = [await room.reader(name, relay["slug"]) for name in ("ane", "bo")]
    elsewhere = await room.reader("carl", other["slug"])
    unconfirmed = room.address("dorte")
    await room.subscribe(unconfirmed, relay["slug"])
    gone = await room.reader("erik", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()
    await room.unsubscribe(room.unsubscribe_token(gone))

    post = await room.publish(relay)
    await run_due_jobs()

    for reader in readers:
        assert [post["title"] in str(m["Subject"]) for m in room.post_mails(reader)] == [
            False,
            True,
        ]
    assert room.post_mails(elsewhere) == []
    assert room.post_mails(unconfirmed) == [] and len(room.confirmations(unconfirmed)) == 1
    assert len(room.post_mails(gone)) == 1


async def test_the_mail_has_text_html_the_post_link_and_one_click_unsubscribe(
    room: Newsroom,
) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])

    post = await room.publish(relay, title="Skål & <tak>", teaser="Om «mod» & mening")
    await run_due_jobs()

    (mail,) = room.post_mails(email)
    text, html = parts(mail)
    post_url = f"https://www.denoffentlige.dk/{post['slug']}"
    unsubscribe = link(mail, "/newsletter/unsubscribe")
    assert mail["Subject"] == f"Nyt indlæg i {relay['title']}: Skål & <tak>"
    assert "Skål & <tak>" in text and "Om «mod» & mening" in text
    assert "Skål &amp; &lt;tak&gt;" in html and "Om «mod» &amp; mening" in html
    assert "<tak>" not in html
    assert post_url in text and f'href="{post_url}"' in html
    assert unsubscribe.startswith(f"{room.settings.public_url}/newsletter/unsubscribe?token=")
    assert unsubscribe in text and unsubscribe in html
    assert mail["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Mail clients read the header as sent: a plain <URL>, not RFC 2047 encoded words.
    raw = room.sink.inbox.raw_of(mail)
    assert f"\r\nList-Unsubscribe: <{unsubscribe}>\r\n".encode() in raw


async def test_a_job_run_twice_or_twice_at_once_mails_each_reader_once(room: Newsroom) -> None:
    relay = await room.relay()
    readers = [await room.reader(f"laeser{n}", relay["slug"]) for n in range(4)]
    post = await room.publish(relay)
    post_id = (await models.Post.get(slug=post["slug"])).id

    await asyncio.gather(*(jobs.send_post_mails(post_id=post_id) for _ in range(2)))
    await jobs.send_post_mails(post_id=post_id)
    await run_due_jobs()

    assert [len(room.post_mails(reader)) for reader in readers] == [1, 1, 1, 1]
    assert all(row.sent_at is not None for row in await room.ledger(post))


async def test_with_the_smtp_server_down_mail_waits_and_arrives_once(room: Newsroom) -> None:
    relay = await room.relay()
    readers = [await room.reader(name, relay["slug"]) for name in ("ane", "bo")]
    room.sink.stop()

    post = await room.publish(relay)
    await run_due_jobs()
    waiting = await room.ledger(post)
    room.sink.start()
    async with running_worker(room.settings):
        await eventually(lambda: _all_sent(room, post), timeout_s=20)
        # Let any duplicate that a retry might send arrive before counting.
        await asyncio.sleep(1)

    assert [row.sent_at for row in waiting] == [None, None]
    assert all("SMTPConnectError" in str(row.last_error) for row in waiting)
    assert [len(room.post_mails(reader)) for reader in readers] == [1, 1]


async def _all_sent(room: Newsroom, post: dict[str, object]) -> bool:
    rows = await room.ledger(post)
    return bool(rows) and all(row.sent_at is not None for row in rows)


async def test_a_post_published_again_is_not_mailed_again(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    post = await room.publish(relay)
    await run_due_jobs()

    draft = await room.desk.ok("unpublishPost", id=post["id"], expectedVersion=post["version"])
    await room.desk.ok("publishPost", id=post["id"], expectedVersion=draft["version"])
    await run_due_jobs()

    assert len(room.post_mails(email)) == 1


async def test_a_post_unpublished_before_its_mail_went_out_is_mailed_when_back(
    room: Newsroom,
) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    post = await room.publish(relay)
    draft = await room.desk.ok("unpublishPost", id=post["id"], expectedVersion=post["version"])
    await run_due_jobs()
    while_draft = len(room.post_mails(email))

    await room.desk.ok("publishPost", id=post["id"], expectedVersion=draft["version"])
    await run_due_jobs()

    assert while_draft == 0
    assert len(room.post_mails(email)) == 1


async def test_a_back_dated_post_is_not_news(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])

    old = await room.publish(relay, publishedAt=earlier(days=30))
    await room.publish(relay, publishedAt=earlier(days=2))
    await run_due_jobs()

    assert len(room.post_mails(email)) == 1
    assert await room.ledger(old) == []


async def test_a_reader_who_leaves_before_the_job_runs_gets_nothing(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()

    post = await room.publish(relay)
    await room.unsubscribe(room.unsubscribe_token(email))
    await run_due_jobs()

    assert len(room.post_mails(email)) == 1
    assert await room.ledger(post) == []


async def test_a_dead_workers_claim_is_taken_over_and_a_live_one_is_left(room: Newsroom) -> None:
    relay = await room.relay()
    dead, busy = [await room.reader(name, relay["slug"]) for name in ("ane", "bo")]
    post = await room.publish(relay)
    now = dt.datetime.now(dt.UTC)
    await _claim(room, post, dead, "dead-worker", now - dt.timedelta(seconds=1))
    await _claim(room, post, busy, "busy-worker", now + dt.timedelta(minutes=10))

    post_id = (await models.Post.get(slug=post["slug"])).id
    await jobs.send_post_mails(post_id=post_id)

    assert len(room.post_mails(dead)) == 1
    assert room.post_mails(busy) == []
    # Should the busy worker die too, a later run looks again once its lease is over.
    waiting = await app.job_manager.list_jobs_async(lock=jobs.post_lock(post_id), status="todo")
    assert any(
        job.scheduled_at is not None and job.scheduled_at > now + dt.timedelta(minutes=10)
        for job in waiting
    )


async def _claim(
    room: Newsroom, post: dict[str, object], email: str, worker: str, until: dt.datetime
) -> None:
    await models.NewsletterSend.filter(post__slug=post["slug"], subscriber__email=email).update(
        claimed_by=worker, claimed_until=until
    )


async def test_requeue_finds_mail_whose_job_was_lost(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    subscriber = await models.Subscriber.get(email=email)
    # A post whose mail job was lost (an in-process queue dies with `graph serve`): the
    # ledger row is all that is left, and an unconfirmed reader whose mail never went out.
    post = await room.desk.published(await room.relay())
    post_row = await models.Post.get(slug=post["slug"])
    await models.NewsletterSend.create(subscriber=subscriber, post=post_row)
    waiting = await models.Subscriber.create(email=room.address("bo"))
    await models.Subscription.create(subscriber=waiting, relay_id=post_row.relay_id)  # type: ignore[attr-defined]

    await jobs.requeue_due()
    await run_due_jobs()

    assert len(room.post_mails(email)) == 1
    assert len(room.confirmations(waiting.email)) == 1

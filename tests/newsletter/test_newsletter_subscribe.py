"""Subscribing: double opt-in, one answer for every address, and refused input with paths."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures.jobs import run_due_jobs
from newsletter_desk import CONFIRMATION_SUBJECT, Newsroom, link, open_newsroom, parts

from graph import models


@pytest.fixture
async def room(gql: GraphQL, editor: GraphQL, database_url: str) -> AsyncIterator[Newsroom]:
    async with open_newsroom(gql, editor, database_url) as room:
        yield room


async def test_a_new_address_gets_a_confirmation_mail_and_nothing_else(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()

    answer = await room.subscribe(email, relay["slug"])
    await run_due_jobs()
    await room.publish(relay)
    await run_due_jobs()

    assert answer == {
        "__typename": "SubscriptionRequested",
        "email": email,
        "relays": [relay["slug"]],
    }
    (mail,) = room.sink.inbox.to(email)
    assert mail["Subject"] == CONFIRMATION_SUBJECT
    text, html = parts(mail)
    assert relay["title"] in text and relay["title"] in html
    url = link(mail, "/newsletter/confirm")
    assert url.startswith(f"{room.settings.public_url}/newsletter/confirm?token=")
    assert "List-Unsubscribe" not in mail


async def test_the_answer_is_the_same_for_new_and_known_addresses(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()

    new = await room.subscribe(email, relay["slug"])
    await run_due_jobs()
    unconfirmed = await room.subscribe(email, relay["slug"])
    await room.confirm(room.confirm_token(email))
    confirmed = await room.subscribe(email, relay["slug"])

    assert new == unconfirmed == confirmed


async def test_the_address_is_stored_trimmed_and_in_lower_case(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address("Ane")

    answer = await room.subscribe(f"  {email.upper()} ", relay["slug"])
    await run_due_jobs()

    assert answer["email"] == email.lower()
    assert len(room.confirmations(email.lower())) == 1


async def test_a_danish_domain_is_mailed_in_its_ascii_form(room: Newsroom) -> None:
    relay = await room.relay()

    answer = await room.subscribe(f"ane.{room.desk.tag}@blåbær.dk", relay["slug"])

    assert answer["email"] == f"ane.{room.desk.tag}@xn--blbr-roah.dk"


async def test_one_address_subscribing_at_once_gets_one_row_and_one_mail(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()

    answers = await asyncio.gather(*(room.subscribe(email, relay["slug"]) for _ in range(3)))
    await run_due_jobs()

    assert [answer["__typename"] for answer in answers] == ["SubscriptionRequested"] * 3
    assert await models.Subscriber.filter(email=email).count() == 1
    assert len(room.confirmations(email)) == 1


async def test_repeated_relays_are_subscribed_once(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()

    answer = await room.subscribe(email, relay["slug"], relay["slug"])

    assert answer["relays"] == [relay["slug"]]
    assert await models.Subscription.filter(subscriber__email=email).count() == 1


async def test_asking_again_before_confirming_sends_no_second_mail(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()

    await room.subscribe(email, relay["slug"])
    await run_due_jobs()
    await room.subscribe(email, relay["slug"])
    await run_due_jobs()

    assert len(room.confirmations(email)) == 1


async def test_asking_again_an_hour_later_sends_the_confirmation_again(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()
    await room.subscribe(email, relay["slug"])
    await run_due_jobs()
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1, minutes=1)
    await models.Subscriber.filter(email=email).update(confirmation_sent_at=an_hour_ago)

    await room.subscribe(email, relay["slug"])
    await run_due_jobs()

    assert len(room.confirmations(email)) == 2


async def test_subscribing_after_unsubscribing_needs_a_new_confirmation(room: Newsroom) -> None:
    old, new = await room.relay(), await room.relay()
    email = await room.reader("ane", old["slug"])
    await room.publish(old)
    await run_due_jobs()
    await room.unsubscribe(room.unsubscribe_token(email))

    again = await room.subscribe(email, new["slug"])
    await run_due_jobs()
    await room.publish(new)
    await run_due_jobs()
    before_confirming = len(room.post_mails(email))
    confirmed = await room.confirm(room.confirm_token(email))
    await room.publish(old)
    await room.publish(new)
    await run_due_jobs()

    assert again["__typename"] == "SubscriptionRequested"
    assert len(room.confirmations(email)) == 2
    assert before_confirming == 1
    assert confirmed["relays"] == [new["slug"]]
    first, second = (str(m["Subject"]) for m in room.post_mails(email))
    assert old["title"] in first and new["title"] in second


@pytest.mark.parametrize(
    ("email", "relay_count", "extra", "errors"),
    [
        ("ikke-en-adresse", 1, [], [(["email"], "INVALID")]),
        ("ane@", 1, [], [(["email"], "INVALID")]),
        ("ane@localhost", 1, [], [(["email"], "INVALID")]),
        ("a b@eksempel.dk", 1, [], [(["email"], "INVALID")]),
        ("ane@eksempel.dk\r\nBcc: x@y.dk", 1, [], [(["email"], "INVALID")]),
        ("   ", 1, [], [(["email"], "REQUIRED")]),
        ("a" * 310 + "@eksempel.dk", 1, [], [(["email"], "TOO_LONG")]),
        ("ok@eksempel.dk", 0, [], [(["relays"], "REQUIRED")]),
        ("ok@eksempel.dk", 21, [], [(["relays"], "TOO_MANY")]),
        ("ok@eksempel.dk", 1, ["findes-ikke"], [(["relays", "1"], "UNKNOWN")]),
        ("nope", 0, ["findes-ikke"], [(["email"], "INVALID"), (["relays", "0"], "UNKNOWN")]),
    ],
)
async def test_bad_input_is_refused_with_paths_and_writes_nothing(
    room: Newsroom,
    email: str,
    relay_count: int,
    extra: list[str],
    errors: list[tuple[list[str], str]],
) -> None:
    relay = await room.relay()
    email = email.replace("ok@", f"ok.{room.desk.tag}@")

    answer = await room.subscribe(email, *([relay["slug"]] * relay_count), *extra)
    await run_due_jobs()

    assert answer["__typename"] == "ValidationFailed", answer
    assert [(e["path"], e["code"]) for e in answer["fieldErrors"]] == errors
    assert not await models.Subscriber.filter(email__contains=room.desk.tag).exists()
    assert all(room.desk.tag not in str(m["To"]) for m in room.sink.inbox.messages)

"""The links in newsletter mails: confirm, unsubscribe (page, one-click POST, API), bad tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures.jobs import run_due_jobs
from newsletter_desk import Newsroom, link, open_newsroom, token

from graph.newsletter import tokens
from graph.newsletter.tokens import Purpose

# The app under test and its jobs run without SECRET_KEY: links are signed with the key kept
# in the database.
APP_SECRET_KEY = ""


@pytest.fixture
async def room(gql: GraphQL, editor: GraphQL, database_url: str) -> AsyncIterator[Newsroom]:
    async with open_newsroom(gql, editor, database_url) as room:
        yield room


async def test_opening_the_confirmation_link_confirms_with_a_danish_page(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()
    await room.subscribe(email, relay["slug"])
    await run_due_jobs()

    page = await room.http.get(link(room.confirmations(email)[0], "/newsletter/confirm"))
    await room.publish(relay)
    await run_due_jobs()

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Tilmelding bekræftet" in page.text and relay["title"] in page.text
    assert page.headers["cache-control"] == "no-store"
    assert len(room.post_mails(email)) == 1


async def test_confirming_through_the_api_answers_the_subscription(room: Newsroom) -> None:
    relay = await room.relay()
    email = room.address()
    await room.subscribe(email, relay["slug"])
    await run_due_jobs()

    first = await room.confirm(room.confirm_token(email))
    again = await room.confirm(room.confirm_token(email))

    assert (
        first
        == again
        == {
            "__typename": "NewsletterSubscription",
            "email": email,
            "relays": [relay["slug"]],
            "confirmed": True,
            "subscribed": True,
        }
    )


async def test_the_one_click_post_unsubscribes(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()
    (mail,) = room.post_mails(email)
    target = mail["List-Unsubscribe"].strip("<>")

    answer = await room.http.post(
        target,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    await room.publish(relay)
    await run_due_jobs()

    assert answer.status_code == 200
    assert "Du er afmeldt" in answer.text
    assert len(room.post_mails(email)) == 1


async def test_the_unsubscribe_page_shows_a_button_and_changes_nothing(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()
    url = link(room.post_mails(email)[0], "/newsletter/unsubscribe")

    page = await room.http.get(url)
    await room.publish(relay)
    await run_due_jobs()

    assert page.status_code == 200
    assert '<form method="post"' in page.text and "Afmeld</button>" in page.text
    assert email in page.text
    assert len(room.post_mails(email)) == 2


async def test_the_button_on_the_unsubscribe_page_unsubscribes(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()
    url = link(room.post_mails(email)[0], "/newsletter/unsubscribe")
    page = await room.http.get(url)
    action = page.text.split('action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    answer = await room.http.post(action, data={"List-Unsubscribe": "One-Click"})
    again = await room.http.get(url)

    assert answer.status_code == 200 and "Du er afmeldt" in answer.text
    assert "allerede afmeldt" in again.text


async def test_unsubscribing_through_the_api_stops_the_mail(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()

    answer = await room.unsubscribe(room.unsubscribe_token(email))
    await room.publish(relay)
    await run_due_jobs()

    assert answer == {
        "__typename": "NewsletterSubscription",
        "email": email,
        "relays": [relay["slug"]],
        "confirmed": True,
        "subscribed": False,
    }
    assert len(room.post_mails(email)) == 1


async def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()
    await room.unsubscribe(room.unsubscribe_token(email))

    answer = await room.confirm(room.confirm_token(email))
    await room.publish(relay)
    await run_due_jobs()

    assert answer["__typename"] == "ValidationFailed"
    assert len(room.post_mails(email)) == 1


def _tampered(good: str) -> str:
    subscriber_id, issued, signature = good.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    return f"{subscriber_id}.{issued}.{flipped}{signature[1:]}"


async def _signed(purpose: Purpose, subscriber_id: int, age: dt.timedelta) -> str:
    signer = await tokens.signer(APP_SECRET_KEY)
    return signer.token(purpose, subscriber_id, dt.datetime.now(dt.UTC) - age)


BAD_TOKENS: dict[str, tuple[Purpose, dt.timedelta, bool]] = {
    # name: (purpose it is signed for, its age, whether to tamper with it)
    "expired": (Purpose.CONFIRM, dt.timedelta(days=7, minutes=1), False),
    "made to unsubscribe": (Purpose.UNSUBSCRIBE, dt.timedelta(0), False),
    "tampered": (Purpose.CONFIRM, dt.timedelta(0), True),
    "dated ahead": (Purpose.CONFIRM, -dt.timedelta(hours=1), False),
}


@pytest.mark.parametrize("case", [*BAD_TOKENS, "garbage", "empty", "unknown subscriber"])
async def test_a_bad_confirmation_token_is_refused_by_api_and_page(
    room: Newsroom, case: str
) -> None:
    relay = await room.relay()
    email = room.address()
    await room.subscribe(email, relay["slug"])
    await run_due_jobs()
    subscriber_id = (await tokens.signer(APP_SECRET_KEY)).subscriber_id(
        room.confirm_token(email), Purpose.CONFIRM
    )
    if case in BAD_TOKENS:
        purpose, age, tamper = BAD_TOKENS[case]
        bad = await _signed(purpose, subscriber_id, age)
        bad = _tampered(bad) if tamper else bad
    elif case == "unknown subscriber":
        bad = await _signed(Purpose.CONFIRM, 2_000_000_000, dt.timedelta(0))
    else:
        bad = {"garbage": "1.2.3<script>", "empty": ""}[case]

    answer = await room.confirm(bad)
    page = await room.http.get("/newsletter/confirm", params={"token": bad})
    await room.publish(relay)
    await run_due_jobs()

    assert answer == {
        "__typename": "ValidationFailed",
        "message": "token: invalid or expired token",
        "fieldErrors": [
            {"path": ["token"], "code": "INVALID", "message": "invalid or expired token"}
        ],
    }
    assert page.status_code == 400
    assert "Linket virker ikke" in page.text and "<script>" not in page.text
    assert room.post_mails(email) == []


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_bad_unsubscribe_token_gets_a_400_page(room: Newsroom, method: str) -> None:
    confirm_token = await _signed(Purpose.CONFIRM, 1, dt.timedelta(0))

    page = await room.http.request(method, "/newsletter/unsubscribe", params={"t": "x"})
    wrong = await room.http.request(
        method, "/newsletter/unsubscribe", params={"token": confirm_token}
    )
    answer = await room.unsubscribe(confirm_token)

    assert page.status_code == wrong.status_code == 400
    assert "Linket virker ikke" in wrong.text
    assert answer["__typename"] == "ValidationFailed"


async def test_an_unsubscribe_link_does_not_expire(room: Newsroom) -> None:
    relay = await room.relay()
    email = await room.reader("ane", relay["slug"])
    await room.publish(relay)
    await run_due_jobs()
    unsubscribe = room.unsubscribe_token(email)
    subscriber_id = (await tokens.signer(APP_SECRET_KEY)).subscriber_id(
        unsubscribe, Purpose.UNSUBSCRIBE
    )
    old = await _signed(Purpose.UNSUBSCRIBE, subscriber_id, dt.timedelta(days=800))

    answer = await room.unsubscribe(old)

    assert answer["__typename"] == "NewsletterSubscription" and answer["subscribed"] is False
    assert token(link(room.post_mails(email)[0], "/newsletter/unsubscribe")) != old

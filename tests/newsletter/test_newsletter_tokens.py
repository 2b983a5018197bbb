"""Signed link tokens: purpose-bound, confirmation ones expire, the key from settings or the DB."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest

from graph import models
from graph.newsletter import tokens
from graph.newsletter.tokens import InvalidToken, Purpose, Signer

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
SIGNER = Signer(b"test key")


def test_a_token_names_its_subscriber_and_is_url_safe() -> None:
    token = SIGNER.token(Purpose.UNSUBSCRIBE, 42, NOW)

    assert SIGNER.subscriber_id(token, Purpose.UNSUBSCRIBE, NOW) == 42
    assert set(token) <= set("0123456789.-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def test_a_token_does_not_show_the_subscriber_id() -> None:
    # A long id: a short one ("42") turns up inside random base64 text now and then.
    subscriber = 123_456_789
    tokens = [SIGNER.token(Purpose.UNSUBSCRIBE, subscriber, NOW) for _ in range(2)]
    subjects = [token.split(".")[0] for token in tokens]
    assert all(str(subscriber) not in subject and not subject.isdigit() for subject in subjects)
    assert subjects[0] != subjects[1]  # nor that two links belong to one reader
    found = [SIGNER.subscriber_id(t, Purpose.UNSUBSCRIBE, NOW) for t in tokens]
    assert found == [subscriber, subscriber]


def test_a_link_made_before_tokens_hid_the_id_still_works() -> None:
    issued = int(NOW.timestamp())
    old = f"42.{issued}.{SIGNER._signature(Purpose.UNSUBSCRIBE, '42', issued)}"
    assert SIGNER.subscriber_id(old, Purpose.UNSUBSCRIBE, NOW) == 42
    with pytest.raises(InvalidToken):
        SIGNER.subscriber_id(old.replace("42.", "43.", 1), Purpose.UNSUBSCRIBE, NOW)


def test_a_token_works_only_for_its_purpose() -> None:
    token = SIGNER.token(Purpose.UNSUBSCRIBE, 42, NOW)

    with pytest.raises(InvalidToken):
        SIGNER.subscriber_id(token, Purpose.CONFIRM, NOW)


def test_a_confirmation_token_lasts_seven_days() -> None:
    token = SIGNER.token(Purpose.CONFIRM, 42, NOW)

    assert SIGNER.subscriber_id(token, Purpose.CONFIRM, NOW + dt.timedelta(days=7)) == 42
    with pytest.raises(InvalidToken):
        SIGNER.subscriber_id(token, Purpose.CONFIRM, NOW + dt.timedelta(days=7, seconds=1))


def test_an_unsubscribe_token_does_not_expire() -> None:
    token = SIGNER.token(Purpose.UNSUBSCRIBE, 42, NOW)

    assert SIGNER.subscriber_id(token, Purpose.UNSUBSCRIBE, NOW + dt.timedelta(days=3650)) == 42


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[0] + ("A" if t[1] != "A" else "B") + t[2:],
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t + ".x",
        lambda t: "٤٢" + t[2:],
        lambda t: t + "A" * 300,
    ],
    ids=["other subscriber", "other signature", "extra part", "arabic digits", "overlong"],
)
def test_a_changed_token_is_refused(change: Callable[[str], str]) -> None:
    token = SIGNER.token(Purpose.UNSUBSCRIBE, 42, NOW)

    with pytest.raises(InvalidToken):
        SIGNER.subscriber_id(change(token), Purpose.UNSUBSCRIBE, NOW)


def test_another_key_does_not_read_the_token() -> None:
    token = SIGNER.token(Purpose.UNSUBSCRIBE, 42, NOW)

    with pytest.raises(InvalidToken):
        Signer(b"other key").subscriber_id(token, Purpose.UNSUBSCRIBE, NOW)


async def test_without_a_secret_key_one_random_key_is_made_once_and_kept(database: str) -> None:
    # As on a fresh site: no key yet, and several requests needing one at the same moment.
    await models.SiteSecret.all().delete()
    signers = await asyncio.gather(*(tokens.signer("") for _ in range(5)))
    later = await tokens.signer("")

    assert len({signer.key for signer in [*signers, later]}) == 1
    assert len(later.key) >= 32
    assert await models.SiteSecret.all().count() == 1


async def test_a_secret_key_setting_is_used_instead(database: str) -> None:
    stored = await tokens.signer("")
    configured = await tokens.signer("sæt-en-lang-hemmelighed")

    assert configured.key == "sæt-en-lang-hemmelighed".encode()
    token = stored.token(Purpose.UNSUBSCRIBE, 42)
    with pytest.raises(InvalidToken):
        configured.subscriber_id(token, Purpose.UNSUBSCRIBE)

"""graph.editing.previews: secret, expiring preview links, one post each."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, SETTINGS, Rows, tagged_rows, write

from graph import clock, models
from graph.editing import previews
from graph.editing.errors import Code, NotFound, ValidationFailed
from graph.settings import Settings
from graph.tokens import token_hash

NOW = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


async def test_a_new_link_stores_only_the_tokens_hash_and_expires_when_asked(rows: Rows) -> None:
    post = await rows.post(await rows.relay())
    with clock.frozen(NOW):
        link = await write(lambda: previews.create_link(ACTOR, post.id, 48, SETTINGS))
    assert link.token.startswith(previews.PREFIX) and previews.well_formed(link.token)
    assert link.expires_at == NOW + dt.timedelta(hours=48)
    stored = await models.PreviewLink.get(post_id=post.id)
    assert stored.token_hash == token_hash(link.token) != link.token
    assert (stored.created_by, stored.expires_at) == (ACTOR, link.expires_at)
    assert link.url.endswith(f"/{post.slug}?preview={link.token}")


@pytest.mark.parametrize("hours", [0, 721])
async def test_a_lifetime_outside_one_hour_to_thirty_days_is_refused(
    rows: Rows, hours: int
) -> None:
    post = await rows.post(await rows.relay())
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: previews.create_link(ACTOR, post.id, hours, SETTINGS))
    (error,) = refused.value.errors
    assert (error.path, error.code) == (("expiresInHours",), Code.OUT_OF_RANGE)
    assert not await models.PreviewLink.exists(post_id=post.id)


async def test_a_link_to_no_post_is_not_found() -> None:
    with pytest.raises(NotFound):
        await write(lambda: previews.create_link(ACTOR, -1, 24, SETTINGS))
    with pytest.raises(NotFound):
        await write(lambda: previews.revoke_links(-1))


async def test_revoking_counts_only_the_live_links_of_that_post(rows: Rows) -> None:
    relay = await rows.relay()
    mine, other = await rows.post(relay), await rows.post(relay)
    for post in (mine, mine, other):
        await write(lambda post=post: previews.create_link(ACTOR, post.id, 24, SETTINGS))
    with clock.frozen(NOW):
        assert await write(lambda: previews.revoke_links(mine.id)) == 2
    assert await write(lambda: previews.revoke_links(mine.id)) == 0
    assert await models.PreviewLink.filter(post_id=other.id, revoked_at=None).count() == 1
    assert await models.PreviewLink.filter(post_id=mine.id, revoked_at=NOW).count() == 2


def test_the_preview_url_follows_the_templates() -> None:
    plain = Settings(post_url_template="https://x.dk/{relay}/{post}")
    assert previews.preview_url("r", "p", "t", plain) == "https://x.dk/r/p?preview=t"
    queried = Settings(post_url_template="https://x.dk/?post={post}")
    assert previews.preview_url("r", "p", "t", queried) == "https://x.dk/?post=p&preview=t"
    own = Settings(preview_url_template="https://x.dk/preview/{token}")
    assert previews.preview_url("r", "p", "t", own) == "https://x.dk/preview/t"


def test_only_tokens_that_could_be_ours_are_looked_up() -> None:
    assert not previews.well_formed("abc")
    assert not previews.well_formed(previews.PREFIX + "x" * previews.MAX_TOKEN_CHARS)

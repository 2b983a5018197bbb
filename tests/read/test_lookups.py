"""The read layer's author pages: many parents in one call, each cut and keyed on its own."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from fixtures.editing import clear_tagged

from graph import models
from graph.danish import sort_key
from graph.read.access import ANONYMOUS, EDITOR
from graph.read.lookups import NO_LEG, AuthorPage, People, author_counts, author_pages

START = dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Made:
    """Two relays and an organisation, with the ids of their authors in list order."""

    relays: tuple[int, int]
    organization: int
    contributors: tuple[list[int], list[int]]  # anonymous callers' lists, per relay
    drafter: int  # writes only a draft in the first relay
    members: list[int]


@pytest.fixture
async def made(database: str) -> AsyncIterator[Made]:
    tag = f"zz{secrets.token_hex(4)}"
    try:
        yield await _make(tag)
    finally:
        await clear_tagged(tag)


async def _make(tag: str) -> Made:
    names = ["Ærlig", "Bent", "Åge", "Carl", "Drafter"]
    authors = [
        await models.Author.create(slug=f"{name.lower()}-{tag}", name=name, sort_key=sort_key(name))
        for name in names
    ]
    aerlig, bent, aage, carl, drafter = authors
    organization = await models.Organization.create(
        slug=f"org-{tag}", name="Org", sort_key=sort_key("Org")
    )
    for member in (aage, bent, aerlig):
        await models.Affiliation.create(author=member, organization=organization)
    one = await models.Relay.create(slug=f"en-{tag}", title="En")
    two = await models.Relay.create(slug=f"to-{tag}", title="To")
    for relay, legs in ((one, [[carl], [aerlig, bent], [aage]]), (two, [[bent], [carl]])):
        for leg, writers in enumerate(legs, start=1):
            post = await models.Post.create(
                relay=relay,
                slug=f"{relay.slug}-{leg}",
                title=f"Indlæg {leg}",
                status=models.PostStatus.PUBLISHED,
                published_at=START + dt.timedelta(days=leg),
                leg=leg,
            )
            for position, writer in enumerate(writers, start=1):
                await models.Byline.create(post=post, position=position, author=writer)
    draft = await models.Post.create(relay=one, slug=f"kladde-{tag}", title="Kladde")
    await models.Byline.create(post=draft, position=1, author=drafter)
    return Made(
        relays=(one.id, two.id),
        organization=organization.id,
        contributors=([carl.id, aerlig.id, bent.id, aage.id], [bent.id, carl.id]),
        drafter=drafter.id,
        members=[bent.id, aerlig.id, aage.id],  # B, then Æ before Å
    )


def ids(rows: list[dict[str, object]]) -> list[object]:
    return [row["id"] for row in rows]


async def test_each_relay_gets_its_own_page_of_first_plus_one(made: Made) -> None:
    one, two = made.relays
    pages = await author_pages(People.CONTRIBUTORS, [one, two, one], AuthorPage(2), ANONYMOUS)
    assert ids(pages[one]) == made.contributors[0][:3]
    assert ids(pages[two]) == made.contributors[1]
    assert [row["sort_value"] for row in pages[one]] == [1, 2, 2]
    assert {row["parent_key"] for row in pages[one]} == {one}


async def test_a_key_starts_every_parent_after_it(made: Made) -> None:
    one, two = made.relays
    after = (2, made.contributors[0][1])  # the first relay's second contributor
    pages = await author_pages(People.CONTRIBUTORS, [one, two], AuthorPage(5, after), ANONYMOUS)
    assert ids(pages[one]) == made.contributors[0][2:]
    # The same key in the second relay: Bent (leg 1) precedes it, Carl (leg 2, newer) follows.
    assert ids(pages[two]) == made.contributors[1][1:]


async def test_an_author_of_drafts_only_comes_last_for_editors(made: Made) -> None:
    one, _ = made.relays
    pages = await author_pages(People.CONTRIBUTORS, [one], AuthorPage(10), EDITOR)
    assert ids(pages[one]) == [*made.contributors[0], made.drafter]
    assert pages[one][-1]["sort_value"] == NO_LEG
    assert await author_counts(People.CONTRIBUTORS, [one], EDITOR) == {one: 5}
    assert await author_counts(People.CONTRIBUTORS, [one], ANONYMOUS) == {one: 4}


async def test_members_list_by_danish_name_order(made: Made) -> None:
    pages = await author_pages(People.MEMBERS, [made.organization], AuthorPage(10), ANONYMOUS)
    assert ids(pages[made.organization]) == made.members
    counts = await author_counts(People.MEMBERS, [made.organization], ANONYMOUS)
    assert counts == {made.organization: 3}

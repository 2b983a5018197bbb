"""A relay's contributors and an organisation's authors page like every other list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, earlier

CONTRIBUTORS = """
query ($slug: String!, $first: Int!, $after: String) {
  relay(slug: $slug) {
    contributors(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { name } }
    }
  }
}
"""
MEMBERS = """
query ($slug: String!, $first: Int!, $after: String) {
  organization(slug: $slug) {
    authors(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { name } }
    }
  }
}
"""


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def page(
    caller: GraphQL, document: str, slug: str, first: int, after: str | None = None
) -> dict[str, Any]:
    """The one connection the document asks for, under its one parent."""
    data = await caller.data(document, slug=slug, first=first, after=after)
    (parent,) = data.values()
    (connection,) = parent.values()
    result: dict[str, Any] = connection
    return result


def names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


async def walk(caller: GraphQL, document: str, slug: str, first: int) -> list[dict[str, Any]]:
    pages, after = [], None
    while True:
        pages.append(await page(caller, document, slug, first, after))
        if not pages[-1]["pageInfo"]["hasNextPage"]:
            return pages
        after = pages[-1]["pageInfo"]["endCursor"]


async def people(desk: Desk, *names: str) -> list[dict[str, Any]]:
    """New authors with these names, made in this order (so with rising ids)."""
    return [await desk.author(name=name) for name in names]


async def publish_legs(
    desk: Desk, relay: dict[str, Any], legs: list[list[dict[str, Any]]], days_ago: int = 30
) -> None:
    """One published post per entry, a day apart in this order, with those bylines."""
    for index, authors in enumerate(legs):
        bylines = [{"author": author["slug"]} for author in authors]
        await desk.published(relay, bylines=bylines, publishedAt=earlier(days_ago - index))


async def test_contributors_come_in_order_of_their_first_leg_ties_by_id(
    desk: Desk, gql: GraphQL
) -> None:
    anna, bo, cecilie, dorte = await people(desk, "Anna", "Bo", "Cecilie", "Dorte")
    relay = await desk.relay()
    # Leg 1 Bo; leg 2 Cecilie then Anna (Anna is older, so first); leg 3 Bo again, Dorte.
    await publish_legs(desk, relay, [[bo], [cecilie, anna], [bo, dorte]])
    contributors = await page(gql, CONTRIBUTORS, relay["slug"], first=20)
    assert names(contributors) == ["Bo", "Anna", "Cecilie", "Dorte"]
    assert contributors["totalCount"] == 4
    assert contributors["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "endCursor": contributors["edges"][-1]["cursor"],
    }


async def test_contributor_pages_walk_the_whole_order_once(desk: Desk, gql: GraphQL) -> None:
    writers = await people(desk, "Eva", "Finn", "Gitte", "Hans", "Ida")
    relay = await desk.relay()
    await publish_legs(desk, relay, [[writer] for writer in reversed(writers)])
    everyone = await page(gql, CONTRIBUTORS, relay["slug"], first=100)
    pages = await walk(gql, CONTRIBUTORS, relay["slug"], first=2)
    assert [names(each) for each in pages] == [["Ida", "Hans"], ["Gitte", "Finn"], ["Eva"]]
    assert [name for each in pages for name in names(each)] == names(everyone)
    assert {each["totalCount"] for each in pages} == {5}
    assert [each["pageInfo"]["hasPreviousPage"] for each in pages] == [False, True, True]


async def test_a_contributor_cursor_keeps_its_place_when_someone_new_contributes(
    desk: Desk, gql: GraphQL
) -> None:
    first, second, third, newcomer = await people(desk, "Jens", "Karin", "Lone", "Mikkel")
    relay = await desk.relay()
    await publish_legs(desk, relay, [[first], [second], [third]], days_ago=30)
    page_one = await page(gql, CONTRIBUTORS, relay["slug"], first=2)
    await publish_legs(desk, relay, [[newcomer]], days_ago=1)
    after = page_one["pageInfo"]["endCursor"]
    page_two = await page(gql, CONTRIBUTORS, relay["slug"], first=2, after=after)
    assert names(page_one) == ["Jens", "Karin"]
    assert names(page_two) == ["Lone", "Mikkel"]
    assert page_two["totalCount"] == 4


async def test_authors_of_drafts_are_contributors_for_editors_only(
    desk: Desk, gql: GraphQL, editor: GraphQL
) -> None:
    published, drafting = await people(desk, "Nina", "Ole")
    relay = await desk.relay()
    await publish_legs(desk, relay, [[published]])
    await desk.post(relay, bylines=[{"author": drafting["slug"]}])
    await desk.post(relay, bylines=[{"author": published["slug"]}])
    anonymous = await page(gql, CONTRIBUTORS, relay["slug"], first=20)
    editorial = await page(editor, CONTRIBUTORS, relay["slug"], first=20)
    assert (names(anonymous), anonymous["totalCount"]) == (["Nina"], 1)
    # Ole has no leg yet: after everyone with one. Nina keeps her first leg.
    assert (names(editorial), editorial["totalCount"]) == (["Nina", "Ole"], 2)


DANISH_ORDER = ["Anders Berg", "Birgit Holm", "Zenia Lund", "Æsa Krog", "Øjvind Bak", "Åse Due"]


async def test_organization_authors_page_in_danish_name_order(desk: Desk, gql: GraphQL) -> None:
    organization = await desk.organization()
    # Made in another order than they list, so neither creation nor id order explains it.
    for author in await people(desk, *reversed(DANISH_ORDER)):
        await desk.ok(
            "setAffiliations",
            authorId=author["id"],
            expectedVersion=author["version"],
            affiliations=[{"organization": organization["slug"]}],
        )
    pages = await walk(gql, MEMBERS, organization["slug"], first=4)
    assert [names(each) for each in pages] == [DANISH_ORDER[:4], DANISH_ORDER[4:]]
    assert {each["totalCount"] for each in pages} == {6}


async def test_an_empty_page_counts_without_listing(desk: Desk, gql: GraphQL) -> None:
    writers = await people(desk, "Per", "Rikke")
    relay = await desk.relay()
    await publish_legs(desk, relay, [writers])
    contributors = await page(gql, CONTRIBUTORS, relay["slug"], first=0)
    assert contributors["edges"] == []
    assert (contributors["totalCount"], contributors["pageInfo"]["hasNextPage"]) == (2, True)

"""Cursor pagination: pages walk the whole list once, and cursors survive inserts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import GraphQL

from graph import models

POSTS_PAGE = """
query ($first: Int!, $after: String) {
  posts(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug } }
  }
}
"""


async def walk(gql: GraphQL, document: str, field: str, first: int) -> list[dict[str, Any]]:
    pages, after = [], None
    while True:
        page = (await gql.data(document, first=first, after=after))[field]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


async def test_pages_of_seven_walk_all_posts_in_order_once(gql: GraphQL) -> None:
    everything = (await gql.data(POSTS_PAGE, first=25))["posts"]["edges"]
    pages = await walk(gql, POSTS_PAGE, "posts", first=7)
    walked = [edge["node"]["slug"] for page in pages for edge in page["edges"]]
    assert walked == [edge["node"]["slug"] for edge in everything]
    assert [len(page["edges"]) for page in pages] == [7, 7, 7, 4]
    assert {page["totalCount"] for page in pages} == {25}


async def test_page_info_describes_the_page(gql: GraphQL) -> None:
    first, second = (await walk(gql, POSTS_PAGE, "posts", first=20))[:2]
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is False
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]


async def test_empty_page_has_no_cursors(gql: GraphQL) -> None:
    page = (await gql.data(POSTS_PAGE, first=0))["posts"]
    assert page["edges"] == []
    assert page["pageInfo"]["startCursor"] is None
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 25


async def test_cursor_is_stable_when_a_newer_post_is_published(gql: GraphQL, database: str) -> None:
    first_page = (await gql.data(POSTS_PAGE, first=5))["posts"]
    relay = await models.Relay.get(slug="lederskabs-stafetten")
    post = await models.Post.create(
        relay=relay,
        slug="et-nyt-indlaeg",
        title="Et nyt indlæg",
        status=models.PostStatus.PUBLISHED,
        published_at=dt.datetime(2016, 1, 1, tzinfo=dt.UTC),
        leg=26,
    )
    try:
        after = first_page["pageInfo"]["endCursor"]
        second_page = (await gql.data(POSTS_PAGE, first=5, after=after))["posts"]
        fresh_first_page = (await gql.data(POSTS_PAGE, first=1))["posts"]
    finally:
        await post.delete()
    # The next page continues after the last post seen: nothing repeated, nothing skipped.
    seen = {edge["node"]["slug"] for edge in first_page["edges"]}
    assert not seen & {edge["node"]["slug"] for edge in second_page["edges"]}
    assert second_page["edges"][0]["node"]["slug"].startswith("topleder-i-koebenhavns-kommune")
    assert fresh_first_page["edges"][0]["node"]["slug"] == "et-nyt-indlaeg"
    assert second_page["totalCount"] == 26


AUTHORS_PAGE = """
query ($first: Int!, $after: String) {
  authors(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name } }
  }
}
"""


async def test_authors_are_in_danish_order_across_pages(gql: GraphQL) -> None:
    pages = await walk(gql, AUTHORS_PAGE, "authors", first=4)
    names = [edge["node"]["name"] for page in pages for edge in page["edges"]]
    assert names == [
        "Agi Csonka",
        "Annette Laigaard",
        "Diana Mose Olsen",
        "Jane Wiis",
        "Jesper Christiansen",
        "Mads Roke Clausen",
        "Michael Graatang",
        "Steffen Bohni",
        "Søren Thorup",  # ø sorts after z in Danish, so Sø… after St…
    ]


async def test_organizations_page_through_in_danish_order(gql: GraphQL) -> None:
    document = """query ($first: Int!, $after: String) {
      organizations(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name kind } } } }"""
    pages = await walk(gql, document, "organizations", first=5)
    names = [edge["node"]["name"] for page in pages for edge in page["edges"]]
    assert len(names) == 11 == pages[0]["totalCount"]
    assert names[:3] == ["Esbjerg Kommune", "Fredericia Kommune", "Gentofte Kommune"]
    assert names.index("Mødrehjælpen") > names.index("Kommunernes Landsforening")


async def test_relays_filter_by_status(gql: GraphQL) -> None:
    data = await gql.data(
        """{ active: relays(status: ACTIVE) { totalCount edges { node { slug } } }
             ended: relays(status: ENDED) { totalCount } }"""
    )
    assert data["active"]["edges"] == [{"node": {"slug": "lederskabs-stafetten"}}]
    assert data["ended"]["totalCount"] == 0

"""Anonymous callers see published posts only: a draft is as absent as an unknown slug."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from tortoise.transactions import in_transaction

from graph import models
from graph.paging.ids import to_global_id
from graph.search_index import reindex_posts

T0 = dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)
HIDDEN = [models.PostStatus.DRAFT, models.PostStatus.SCHEDULED, models.PostStatus.ARCHIVED]


@pytest.fixture(scope="module")
async def relay(database: str) -> AsyncIterator[models.Relay]:
    """Legs 1 and 3 published; leg 2 archived; a draft and a scheduled post by a ghost writer."""
    async with in_transaction():
        relay = await models.Relay.create(slug="skjult-stafet", title="Skjult stafet")
        ghost = await models.Author.create(slug="spoegelse", name="Spøgelse", sort_key="01")
        org = await models.Organization.create(slug="skyggen", name="Skyggen", sort_key="01")
        await models.Affiliation.create(author=ghost, organization=org)
        for leg, status in enumerate(
            [models.PostStatus.PUBLISHED, models.PostStatus.ARCHIVED, models.PostStatus.PUBLISHED],
            start=1,
        ):
            await models.Post.create(
                relay=relay, slug=f"skjult-{leg}", title=f"Synligt indlæg {leg}", leg=leg,
                status=status, published_at=T0 + dt.timedelta(days=leg),
            )  # fmt: skip
        for status in (models.PostStatus.DRAFT, models.PostStatus.SCHEDULED):
            post = await models.Post.create(
                relay=relay, slug=f"skjult-{status.value}", title=f"Hemmelig {status.value}",
                body="Hemmelig tekst om tillidsreformen", status=status,
            )  # fmt: skip
            await models.Byline.create(post=post, position=1, author=ghost, organization=org)
        ids = await models.Post.filter(relay=relay).values_list("id", flat=True)
        await reindex_posts(ids)
    yield relay
    async with in_transaction():
        await models.Byline.filter(author=ghost).delete()
        await models.Post.filter(relay=relay).delete()
        await reindex_posts(ids)
        await relay.delete()
        await ghost.delete()
        await org.delete()


@pytest.mark.parametrize("status", HIDDEN)
async def test_hidden_post_slug_looks_unknown(
    relay: models.Relay, gql: GraphQL, status: models.PostStatus
) -> None:
    slug = "skjult-2" if status is models.PostStatus.ARCHIVED else f"skjult-{status.value}"
    assert await gql.data(f'{{ post(slug: "{slug}") {{ id }} }}') == {"post": None}


async def test_hidden_post_global_id_is_null(relay: models.Relay, gql: GraphQL) -> None:
    draft = await models.Post.get(slug="skjult-draft")
    node_id = to_global_id("Post", draft.id)
    assert await gql.data(f'{{ node(id: "{node_id}") {{ id }} }}') == {"node": None}


async def test_lists_and_counts_show_published_only(relay: models.Relay, gql: GraphQL) -> None:
    data = await gql.data(
        """{ relay(slug: "skjult-stafet") { posts { totalCount edges { node { slug } } } }
             posts(filter: {relay: "skjult-stafet"}) { totalCount } }"""
    )
    assert data["relay"]["posts"] == {
        "totalCount": 2,
        "edges": [{"node": {"slug": "skjult-3"}}, {"node": {"slug": "skjult-1"}}],
    }
    assert data["posts"]["totalCount"] == 2


async def test_neighbours_skip_hidden_posts(relay: models.Relay, gql: GraphQL) -> None:
    data = await gql.data('{ post(slug: "skjult-1") { next { slug } previous { slug } } }')
    assert data["post"] == {"next": {"slug": "skjult-3"}, "previous": None}


async def test_search_never_finds_hidden_posts(relay: models.Relay, gql: GraphQL) -> None:
    data = await gql.data('{ search(query: "hemmelig") { totalCount edges { node { slug } } } }')
    assert data["search"] == {"totalCount": 0, "edges": []}


async def test_writer_of_hidden_posts_has_nothing_to_show(
    relay: models.Relay, gql: GraphQL
) -> None:
    data = await gql.data(
        """{ relay(slug: "skjult-stafet") { contributors { totalCount edges { node { slug } } } }
             author(slug: "spoegelse") { posts { totalCount } }
             organization(slug: "skyggen") { posts { totalCount } } }"""
    )
    assert data["relay"]["contributors"] == {"totalCount": 0, "edges": []}
    assert data["author"]["posts"]["totalCount"] == 0
    assert data["organization"]["posts"]["totalCount"] == 0

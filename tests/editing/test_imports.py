"""graph.editing.imports: a whole relay in one go, safe to run again."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fixtures.units import ACTOR, MAX_BODY, START, Rows, tagged_rows, write

from graph import models
from graph.editing.errors import Code, ValidationFailed
from graph.editing.imports import (
    AuthorSpec,
    ImportSpec,
    OrganizationSpec,
    PostSpec,
    RelaySpec,
    import_relay,
)
from graph.editing.posts import BylineSpec


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def _spec(rows: Rows) -> ImportSpec:
    """A relay with one organisation, one author and two published posts and a draft."""
    org, author = rows.slug("kommune"), rows.slug("skribent")
    posts = tuple(
        PostSpec(
            slug=rows.slug("indlaeg"),
            title=f"Indlæg {day}",
            body="Tekst.",
            bylines=(BylineSpec(author, "chef", org),),
            published_at=START + dt.timedelta(days=day) if day < 2 else None,
        )
        for day in range(3)
    )
    return ImportSpec(
        relay=RelaySpec(rows.slug("stafet"), "Importeret", previous_slugs=(rows.slug("gl"),)),
        posts=posts,
        organizations=(OrganizationSpec(org, "Kommunen"),),
        authors=(AuthorSpec(author, "Skribent", affiliations=((org, "chef"),)),),
    )


async def test_an_import_creates_everything_and_publishes_in_order(rows: Rows) -> None:
    spec = _spec(rows)
    result = await write(lambda: import_relay(ACTOR, spec, MAX_BODY))
    assert result.created == {"categories": 0, "organizations": 1, "authors": 1, "posts": 3}
    found = await models.Post.filter(relay_id=result.relay.id).order_by("id")
    assert [(p.status, p.leg) for p in found] == [
        (models.PostStatus.PUBLISHED, 1),
        (models.PostStatus.PUBLISHED, 2),
        (models.PostStatus.DRAFT, None),
    ]
    assert await models.Byline.filter(post_id=found[0].id, role="chef").exists()
    author = await models.Author.get(slug=spec.authors[0].slug)
    assert await models.Affiliation.filter(author_id=author.id, role="chef").exists()
    old = spec.relay.previous_slugs[0]
    assert await models.SlugHistory.exists(kind=models.SlugKind.RELAY, slug=old)


async def test_a_post_with_a_future_publish_time_is_scheduled(rows: Rows) -> None:
    due = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    post = PostSpec(rows.slug("snart"), "Snart", body="Tekst.", publish_at=due)
    result = await write(
        lambda: import_relay(ACTOR, ImportSpec(RelaySpec(rows.slug("s"), "S"), (post,)), MAX_BODY)
    )
    stored = await models.Post.get(relay_id=result.relay.id)
    assert (stored.status, stored.publish_at, stored.leg) == (
        models.PostStatus.SCHEDULED,
        due,
        None,
    )


async def test_importing_again_keeps_what_is_there(rows: Rows) -> None:
    spec = _spec(rows)
    await write(lambda: import_relay(ACTOR, spec, MAX_BODY))
    again = await write(lambda: import_relay(ACTOR, spec, MAX_BODY))
    assert again.created == {"categories": 0, "organizations": 0, "authors": 0, "posts": 0}
    assert again.posts_existing == 3
    assert await models.Post.filter(relay_id=again.relay.id).count() == 3


async def test_a_slug_twice_in_one_import_is_refused_before_anything_is_looked_up(
    rows: Rows,
) -> None:
    good = _spec(rows)
    twice = PostSpec(good.posts[0].slug, "Dobbelt", previous_slugs=("Ikke En Slug",))
    spec = ImportSpec(good.relay, (*good.posts, twice))
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: import_relay(ACTOR, spec, MAX_BODY))
    assert {(".".join(e.path), e.code) for e in refused.value.errors} == {
        ("posts.3.slug", Code.DUPLICATE),
        ("posts.3.previousSlugs.0", Code.INVALID_SLUG),
    }


async def test_every_bad_post_is_named_by_its_index_and_nothing_is_kept(rows: Rows) -> None:
    good = _spec(rows)
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    bad = (
        PostSpec(rows.slug("tom"), "Tom", published_at=START),  # published without a body
        PostSpec(rows.slug("snart"), "Snart", body="x", published_at=tomorrow),
    )
    # No authors: every byline of the good posts names an unknown one.
    spec = ImportSpec(good.relay, good.posts + bad, organizations=good.organizations)
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: import_relay(ACTOR, spec, MAX_BODY))
    assert {(".".join(e.path), e.code) for e in refused.value.errors} == {
        ("posts.0.bylines.0.author", Code.UNKNOWN),
        ("posts.1.bylines.0.author", Code.UNKNOWN),
        ("posts.2.bylines.0.author", Code.UNKNOWN),
        ("posts.3.body", Code.REQUIRED),
        ("posts.4.publishedAt", Code.INVALID),
    }
    # The relay and organisation were made before the posts were checked: the mutation's
    # transaction takes them back.
    assert not await models.Relay.exists(slug=good.relay.slug)
    assert not await models.Organization.exists(slug=good.organizations[0].slug)


async def test_a_post_slug_used_in_another_relay_is_a_duplicate(rows: Rows) -> None:
    other = await rows.post(await rows.relay())
    spec = ImportSpec(RelaySpec(rows.slug("stafet"), "Ny"), (PostSpec(other.slug, "Samme"),))
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: import_relay(ACTOR, spec, MAX_BODY))
    assert [(e.path, e.code) for e in refused.value.errors] == [
        (("posts", "0", "slug"), Code.DUPLICATE)
    ]

"""Every write mutation: an anonymous answer cached before it is fresh right after it.

Each scenario caches an answer a frontend would ask for, makes the write as an editor, and
asks again: the answer must show the write (and must have been recomputed). Writes with no
public effect are listed with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk

from graph import models
from graph.publishing import publish_scheduled_post


@dataclass
class Reader:
    """An anonymous frontend asking through the cached app."""

    app: Cached

    async def ask(self, query: str, **variables: Any) -> tuple[Any, str]:
        response = await self.app.post(query, **variables)
        body = response.json()
        assert "errors" not in body, body
        return body["data"], response.headers.get("x-cache", "")

    async def cached(self, query: str, **variables: Any) -> Any:
        """The answer, asked twice so it is in the cache."""
        data, _ = await self.ask(query, **variables)
        again, state = await self.ask(query, **variables)
        assert (again, state) == (data, "HIT")
        return data

    async def fresh(self, query: str, **variables: Any) -> Any:
        """The answer now, which must have been recomputed."""
        data, state = await self.ask(query, **variables)
        assert state == "MISS"
        return data


Scenario = Callable[[Desk, Reader], Awaitable[None]]

POST = "query ($slug: String!) { post(slug: $slug) { title bylines { author { name } } } }"
RELAY = "query ($slug: String!) { relay(slug: $slug) { title posts { totalCount } } }"
AUTHOR = "query ($slug: String!) { author(slug: $slug) { name } }"
ORGANIZATION = """query ($slug: String!) {
  organization(slug: $slug) { name authors { edges { node { slug } } } } }"""
CATEGORY = "query ($slug: String!) { category(slug: $slug) { name } }"
CONTRIBUTORS = """query ($slug: String!) {
  relay(slug: $slug) { contributors { totalCount edges { node { name } } } } }"""


async def create_relay(desk: Desk, reader: Reader) -> None:
    slug = desk.slug("stafet")
    assert await reader.cached(RELAY, slug=slug) == {"relay": None}
    await desk.ok("createRelay", title="Ny stafet", slug=slug)
    assert (await reader.fresh(RELAY, slug=slug))["relay"]["title"] == "Ny stafet"


async def update_relay(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    await reader.cached(RELAY, slug=relay["slug"])
    await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, title="Omdøbt")
    assert (await reader.fresh(RELAY, slug=relay["slug"]))["relay"]["title"] == "Omdøbt"


async def publish_post(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    post = await desk.post(relay)
    assert await reader.cached(POST, slug=post["slug"]) == {"post": None}
    await reader.cached(RELAY, slug=relay["slug"])
    await desk.ok("publishPost", id=post["id"], expectedVersion=post["version"])
    assert (await reader.fresh(POST, slug=post["slug"]))["post"]["title"] == post["title"]
    assert (await reader.fresh(RELAY, slug=relay["slug"]))["relay"]["posts"]["totalCount"] == 1


async def create_post(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    before = await reader.cached(RELAY, slug=relay["slug"])
    await desk.post(relay)
    # A draft is not public: the cached answer is still the right one.
    data, _ = await reader.ask(RELAY, slug=relay["slug"])
    assert data == before


async def update_post(desk: Desk, reader: Reader) -> None:
    post = await desk.published(await desk.relay())
    await reader.cached(POST, slug=post["slug"])
    await desk.ok("updatePost", id=post["id"], expectedVersion=post["version"], title="Rettet")
    assert (await reader.fresh(POST, slug=post["slug"]))["post"]["title"] == "Rettet"


async def set_bylines(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    post = await desk.published(relay)
    author = await desk.author(name="Ny Skribent")
    await reader.cached(POST, slug=post["slug"])
    await reader.cached(CONTRIBUTORS, slug=relay["slug"])
    await desk.ok(
        "setBylines",
        id=post["id"],
        expectedVersion=post["version"],
        bylines=[{"author": author["slug"]}],
    )
    fresh = await reader.fresh(POST, slug=post["slug"])
    assert fresh["post"]["bylines"] == [{"author": {"name": "Ny Skribent"}}]
    contributors = (await reader.fresh(CONTRIBUTORS, slug=relay["slug"]))["relay"]["contributors"]
    assert contributors == {"totalCount": 1, "edges": [{"node": {"name": "Ny Skribent"}}]}


async def unpublish_post(desk: Desk, reader: Reader) -> None:
    post = await desk.published(await desk.relay())
    await reader.cached(POST, slug=post["slug"])
    await desk.ok("unpublishPost", id=post["id"], expectedVersion=post["version"])
    assert await reader.fresh(POST, slug=post["slug"]) == {"post": None}


async def archive_post(desk: Desk, reader: Reader) -> None:
    post = await desk.published(await desk.relay())
    await reader.cached(POST, slug=post["slug"])
    await desk.ok("archivePost", id=post["id"], expectedVersion=post["version"])
    assert await reader.fresh(POST, slug=post["slug"]) == {"post": None}


async def schedule_post(desk: Desk, reader: Reader) -> None:
    post = await desk.post()
    assert await reader.cached(POST, slug=post["slug"]) == {"post": None}
    at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    await desk.ok("schedulePost", id=post["id"], expectedVersion=1, publishAt=at.isoformat())
    data, _ = await reader.ask(POST, slug=post["slug"])
    assert data == {"post": None}
    # Its time comes (moved, not waited for), and the scheduling job publishes it: the job's
    # write invalidates like an editor's.
    due = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await models.Post.filter(slug=post["slug"]).update(publish_at=due)
    row = await models.Post.get(slug=post["slug"])
    await publish_scheduled_post(post_id=row.id, publish_at=due.isoformat())
    assert (await reader.fresh(POST, slug=post["slug"]))["post"]["title"] == post["title"]


async def restore_post_revision(desk: Desk, reader: Reader) -> None:
    post = await desk.published(await desk.relay())
    changed = await desk.ok(
        "updatePost", id=post["id"], expectedVersion=post["version"], title="Midlertidig"
    )
    await reader.cached(POST, slug=post["slug"])
    first = (await desk.read(post["id"]) or {})["revisions"][-1]
    await desk.ok("restorePostRevision", revisionId=first["id"], expectedVersion=changed["version"])
    assert (await reader.fresh(POST, slug=post["slug"]))["post"]["title"] == post["title"]


async def create_author(desk: Desk, reader: Reader) -> None:
    slug = desk.slug("skribent")
    assert await reader.cached(AUTHOR, slug=slug) == {"author": None}
    await desk.ok("createAuthor", name="Anne Ny", slug=slug)
    assert await reader.fresh(AUTHOR, slug=slug) == {"author": {"name": "Anne Ny"}}


async def update_author(desk: Desk, reader: Reader) -> None:
    author = await desk.author()
    post = await desk.published(await desk.relay(), bylines=[{"author": author["slug"]}])
    await reader.cached(AUTHOR, slug=author["slug"])
    await reader.cached(POST, slug=post["slug"])
    await desk.ok("updateAuthor", id=author["id"], expectedVersion=1, name="Omdøbt Skribent")
    assert await reader.fresh(AUTHOR, slug=author["slug"]) == {
        "author": {"name": "Omdøbt Skribent"}
    }
    byline = (await reader.fresh(POST, slug=post["slug"]))["post"]["bylines"][0]
    assert byline == {"author": {"name": "Omdøbt Skribent"}}


async def set_affiliations(desk: Desk, reader: Reader) -> None:
    author, organization = await desk.author(), await desk.organization()
    await reader.cached(ORGANIZATION, slug=organization["slug"])
    await desk.ok(
        "setAffiliations",
        authorId=author["id"],
        expectedVersion=1,
        affiliations=[{"organization": organization["slug"]}],
    )
    fresh = await reader.fresh(ORGANIZATION, slug=organization["slug"])
    assert fresh["organization"]["authors"] == {"edges": [{"node": {"slug": author["slug"]}}]}


async def create_organization(desk: Desk, reader: Reader) -> None:
    slug = desk.slug("kommune")
    assert await reader.cached(ORGANIZATION, slug=slug) == {"organization": None}
    await desk.ok("createOrganization", name="Ny Kommune", slug=slug)
    assert (await reader.fresh(ORGANIZATION, slug=slug))["organization"]["name"] == "Ny Kommune"


async def update_organization(desk: Desk, reader: Reader) -> None:
    organization = await desk.organization()
    await reader.cached(ORGANIZATION, slug=organization["slug"])
    await desk.ok("updateOrganization", id=organization["id"], expectedVersion=1, name="Omdøbt")
    fresh = await reader.fresh(ORGANIZATION, slug=organization["slug"])
    assert fresh["organization"]["name"] == "Omdøbt"


async def create_category(desk: Desk, reader: Reader) -> None:
    slug = desk.slug("emne")
    assert await reader.cached(CATEGORY, slug=slug) == {"category": None}
    await desk.ok("createCategory", name="Nyt emne", slug=slug)
    assert await reader.fresh(CATEGORY, slug=slug) == {"category": {"name": "Nyt emne"}}


async def update_category(desk: Desk, reader: Reader) -> None:
    category = await desk.category()
    await reader.cached(CATEGORY, slug=category["slug"])
    await desk.ok("updateCategory", category=category["slug"], name="Omdøbt")
    assert await reader.fresh(CATEGORY, slug=category["slug"]) == {"category": {"name": "Omdøbt"}}


async def import_relay(desk: Desk, reader: Reader) -> None:
    slug = desk.slug("importeret")
    assert await reader.cached(RELAY, slug=slug) == {"relay": None}
    await desk.ok("importRelay", relay={"slug": slug, "title": "Importeret"}, posts=[])
    assert (await reader.fresh(RELAY, slug=slug))["relay"]["title"] == "Importeret"


async def discard_pending_changes(desk: Desk, reader: Reader) -> None:
    # Staging and discarding keep the live content; the post's `version` changes, and shows.
    post = await desk.published(await desk.relay())
    await desk.ok("updatePost", id=post["id"], expectedVersion=2, stage=True, title="Senere")
    query = "query ($slug: String!) { post(slug: $slug) { title version } }"
    assert await reader.cached(query, slug=post["slug"]) == {
        "post": {"title": post["title"], "version": 3}
    }
    await desk.ok("discardPendingChanges", post=post["id"], expectedVersion=3)
    assert await reader.fresh(query, slug=post["slug"]) == {
        "post": {"title": post["title"], "version": 4}
    }


SCENARIOS: dict[str, Scenario] = {
    "createRelay": create_relay,
    "updateRelay": update_relay,
    "createPost": create_post,
    "updatePost": update_post,
    "setBylines": set_bylines,
    "publishPost": publish_post,
    "unpublishPost": unpublish_post,
    "schedulePost": schedule_post,
    "archivePost": archive_post,
    "restorePostRevision": restore_post_revision,
    "createAuthor": create_author,
    "updateAuthor": update_author,
    "setAffiliations": set_affiliations,
    "createOrganization": create_organization,
    "updateOrganization": update_organization,
    "createCategory": create_category,
    "updateCategory": update_category,
    "importRelay": import_relay,
    "discardPendingChanges": discard_pending_changes,
}

# Writes no anonymous answer shows: the baton (editors only), webhooks and jobs (admins),
# the newsletter (subscribers are never listed), preview links (their answers are never cached).
NO_PUBLIC_EFFECT = {
    "createPreviewLink",
    "revokePreviewLinks",
    "passBaton",
    "createWebhook",
    "updateWebhook",
    "deleteWebhook",
    "rotateWebhookSecret",
    "redeliverWebhookDelivery",
    "retryJob",
    "subscribe",
    "confirmSubscription",
    "unsubscribe",
}


@pytest.fixture
async def reader(database: str) -> AsyncIterator[Reader]:
    async for app in cached_app(database):
        yield Reader(app)


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def test_every_mutation_has_a_scenario_or_a_reason(gql: GraphQL) -> None:
    data = await gql.data("{ __schema { mutationType { fields { name } } } }")
    names = {field["name"] for field in data["__schema"]["mutationType"]["fields"]}
    assert names == set(SCENARIOS) | NO_PUBLIC_EFFECT


@pytest.mark.parametrize("name", SCENARIOS)
async def test_a_write_leaves_no_stale_anonymous_answer(
    desk: Desk, reader: Reader, name: str
) -> None:
    await SCENARIOS[name](desk, reader)


async def test_a_draft_edit_keeps_public_answers_cached(desk: Desk, reader: Reader) -> None:
    relay = await desk.relay()
    await desk.published(relay)
    draft = await desk.post(relay)
    await reader.cached(RELAY, slug=relay["slug"])
    await desk.ok("updatePost", id=draft["id"], expectedVersion=1, title="Stadig kladde")
    _, state = await reader.ask(RELAY, slug=relay["slug"])
    assert state == "HIT"


async def test_a_write_in_one_relay_keeps_another_relays_page(desk: Desk, reader: Reader) -> None:
    quiet, busy = await desk.relay(), await desk.relay()
    page = "query ($slug: String!) { relay(slug: $slug) { posts { edges { node { slug } } } } }"
    await reader.cached(page, slug=quiet["slug"])
    await desk.published(busy)
    _, state = await reader.ask(page, slug=quiet["slug"])
    assert state == "HIT"
    _, later_state = await reader.ask(page, slug=busy["slug"])
    assert later_state == "MISS"

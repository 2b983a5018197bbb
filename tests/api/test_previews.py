"""Preview links: a secret, expiring token that shows one post as it would look published.

Anyone holding a live token sees that post (a draft as it is, a published post with its
staged edit) and nothing else; an unknown, expired or revoked token gives null and no error.
Answers are private: never cached, `Cache-Control: private, no-store`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk, field_errors, run

from graph import clock, models
from graph.editing.previews import preview_url
from graph.paging.ids import from_global_id
from graph.settings import Settings

PREVIEW = """query ($token: String!) { preview(token: $token) {
  id title body status relay { slug }
  bylines { role author { slug name } organization { slug } } } }"""


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
async def reader(database: str) -> AsyncIterator[Cached]:
    async for app in cached_app(database):
        yield app


async def link(desk: Desk, post: dict[str, Any], hours: int = 1) -> dict[str, Any]:
    return await desk.ok("createPreviewLink", post=post["id"], expiresInHours=hours)


async def preview(caller: GraphQL, token: str) -> dict[str, Any] | None:
    body = await caller(PREVIEW, token=token)
    assert body == {"data": body["data"], "extensions": body["extensions"]}, body
    found: dict[str, Any] | None = body["data"]["preview"]
    return found


async def test_a_draft_is_previewed_as_it_is_with_its_people(desk: Desk, gql: GraphQL) -> None:
    author, organization = await desk.author(), await desk.organization()
    byline = {"author": author["slug"], "role": "Chef", "organization": organization["slug"]}
    relay = await desk.relay()
    draft = await desk.post(relay, bylines=[byline])
    shown = await preview(gql, (await link(desk, draft))["token"])
    assert shown == {
        "id": draft["id"],
        "title": draft["title"],
        "body": draft["body"],
        "status": "DRAFT",
        "relay": {"slug": relay["slug"]},
        "bylines": [
            {
                "role": "Chef",
                "author": {"slug": author["slug"], "name": author["name"]},
                "organization": {"slug": organization["slug"]},
            }
        ],
    }


async def test_a_published_post_is_previewed_with_its_staged_edit(desk: Desk, gql: GraphQL) -> None:
    post = await desk.published(await desk.relay())
    author = await desk.author()
    await desk.ok(
        "updatePost",
        id=post["id"],
        expectedVersion=2,
        stage=True,
        title="Kommende overskrift",
        bylines=[{"author": author["slug"]}],
    )
    shown = await preview(gql, (await link(desk, post))["token"])
    assert shown is not None
    assert (shown["title"], shown["status"]) == ("Kommende overskrift", "PUBLISHED")
    assert shown["bylines"] == [
        {
            "role": None,
            "author": {"slug": author["slug"], "name": author["name"]},
            "organization": None,
        }
    ]
    live = await gql.data("query ($s: String!) { post(slug: $s) { title } }", s=post["slug"])
    assert live == {"post": {"title": post["title"]}}


async def test_a_token_opens_its_own_post_only(desk: Desk, gql: GraphQL) -> None:
    relay = await desk.relay()
    first, second = await desk.post(relay), await desk.post(relay)
    first_token = (await link(desk, first))["token"]
    second_token = (await link(desk, second))["token"]
    assert ((await preview(gql, first_token)) or {})["id"] == first["id"]
    assert ((await preview(gql, second_token)) or {})["id"] == second["id"]


@pytest.mark.parametrize(
    "token", ["", "preview_", "preview_" + "A" * 43, "graph_abc", "x" * 5000, "preview_'; --"]
)
async def test_an_unknown_or_malformed_token_gives_null_and_nothing_else(
    gql: GraphQL, token: str
) -> None:
    assert await preview(gql, token) is None


async def test_a_link_expires(desk: Desk, gql: GraphQL) -> None:
    token = (await link(desk, await desk.post(), hours=1))["token"]
    with clock.shifted(dt.timedelta(minutes=59)):
        assert await preview(gql, token) is not None
    with clock.shifted(dt.timedelta(minutes=61)):
        assert await preview(gql, token) is None


async def test_revoking_stops_every_link_of_the_post_only(desk: Desk, gql: GraphQL) -> None:
    relay = await desk.relay()
    post, other = await desk.post(relay), await desk.post(relay)
    tokens = [(await link(desk, post))["token"] for _ in range(2)]
    kept = (await link(desk, other))["token"]
    revoked = await desk.ok("revokePreviewLinks", post=post["id"])
    assert revoked["revokedCount"] == 2
    assert [await preview(gql, token) for token in tokens] == [None, None]
    assert await preview(gql, kept) is not None
    fresh = (await link(desk, post))["token"]
    assert await preview(gql, fresh) is not None


async def test_the_link_holds_a_token_stored_only_as_its_hash(desk: Desk) -> None:
    post = await desk.post()
    made = await link(desk, post, hours=48)
    assert made["url"] == f"https://www.denoffentlige.dk/{post['slug']}?preview={made['token']}"
    expires = dt.datetime.fromisoformat(made["expiresAt"])
    assert abs(expires - (clock.now() + dt.timedelta(hours=48))) < dt.timedelta(minutes=1)
    _, pk = from_global_id(post["id"])
    (row,) = await models.PreviewLink.filter(post_id=pk).values()
    assert row["token_hash"] == hashlib.sha256(made["token"].encode()).hexdigest()
    assert made["token"] not in {str(value) for value in row.values()}


@pytest.mark.parametrize("hours", [0, -1, 721])
async def test_a_lifetime_out_of_bounds_is_refused_and_makes_nothing(
    desk: Desk, hours: int
) -> None:
    post = await desk.post()
    result = await run(desk.editor, "createPreviewLink", post=post["id"], expiresInHours=hours)
    assert field_errors(result) == [(["expiresInHours"], "OUT_OF_RANGE")]
    _, pk = from_global_id(post["id"])
    assert not await models.PreviewLink.filter(post_id=pk).exists()


async def test_anonymous_callers_cannot_make_or_revoke_links(desk: Desk, gql: GraphQL) -> None:
    post = await desk.post()
    for name, input in (
        ("createPreviewLink", {"post": post["id"], "expiresInHours": 1}),
        ("revokePreviewLinks", {"post": post["id"]}),
    ):
        result = await run(gql, name, **input)
        assert (result["__typename"], result["authenticated"]) == ("Forbidden", False)


async def test_a_link_to_no_post_is_not_found(desk: Desk) -> None:
    result = await run(desk.editor, "createPreviewLink", post=editing.global_id("Post", 999999999))
    assert result["__typename"] == "NotFound"


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_preview_answer_is_private_and_never_cached(
    desk: Desk, reader: Cached, method: str
) -> None:
    post = await desk.post()
    token = (await link(desk, post))["token"]
    ask = reader.get if method == "GET" else reader.post
    for _ in range(2):
        response = await ask(PREVIEW, token=token)
        assert response.json()["data"]["preview"] is not None
        assert response.headers["cache-control"] == "private, no-store"
        assert "x-cache" not in response.headers and "etag" not in response.headers
    assert reader.cache.size == (0, 0)
    await desk.ok("revokePreviewLinks", post=post["id"])
    assert (await ask(PREVIEW, token=token)).json()["data"]["preview"] is None


async def test_a_preview_beside_public_fields_keeps_the_whole_answer_private(
    desk: Desk, reader: Cached
) -> None:
    token = (await link(desk, await desk.post()))["token"]
    query = "query ($t: String!) { categories { slug } preview(token: $t) { title } }"
    response = await reader.post(query, t=token)
    assert response.headers["cache-control"] == "private, no-store"
    assert reader.cache.size == (0, 0)


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        ({}, "https://www.denoffentlige.dk/p?preview=preview_x"),
        (
            {"post_url_template": "https://a.dk/{relay}/{post}?ref=mail"},
            "https://a.dk/r/p?ref=mail&preview=preview_x",
        ),
        (
            {"preview_url_template": "https://a.dk/forhaand/{post}/{token}"},
            "https://a.dk/forhaand/p/preview_x",
        ),
    ],
)
def test_the_preview_url_follows_the_templates(settings: dict[str, str], url: str) -> None:
    assert preview_url("r", "p", "preview_x", Settings(**settings)) == url

"""Two editors at once: racing writes end in one success and one typed refusal, never in a
lost update, a duplicate or an unexpected error.

The races run as real HTTP requests against a `graph serve` process (as two editors' browsers
would), several rounds each so that an unlucky interleaving has a chance to show.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, mutation
from fixtures.processes import serving

ROUNDS = 5


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `graph serve` process on the test database; its base URL."""
    log = tmp_path_factory.mktemp("concurrency") / "serve.log"
    env = {**os.environ, "DATABASE_URL": database, "LOG_LEVEL": "WARNING"}
    with serving(env, log) as base:
        yield base


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
async def over_http(server: str, editor_token: str) -> AsyncIterator[GraphQL]:
    """The editor, talking to the server process over real HTTP."""
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        yield GraphQL(http, {"Authorization": f"Bearer {editor_token}"})


async def race(caller: GraphQL, name: str, *inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Send the same mutation with each input at once; the whole response bodies."""
    return list(await asyncio.gather(*(caller(mutation(name), input=i) for i in inputs)))


def results(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each body's mutation result; none may be a GraphQL error."""
    for body in bodies:
        assert "errors" not in body, body["errors"]
    return [body["data"]["result"] for body in bodies]


async def two_saves_of_one_version(desk: Desk, caller: GraphQL) -> None:
    post = await desk.post()
    for round in range(ROUNDS):
        before = await desk.read(post["id"])
        assert before is not None
        version = before["version"]
        bodies = [f"Redaktør A, runde {round}.", f"Redaktør B, runde {round}."]
        outcome = results(
            await race(
                caller,
                "updatePost",
                *({"id": post["id"], "expectedVersion": version, "body": b} for b in bodies),
            )
        )
        kinds = sorted(result["__typename"] for result in outcome)
        assert kinds == ["Post", "VersionConflict"], outcome
        (winner,) = [result for result in outcome if result["__typename"] == "Post"]
        (loser,) = [result for result in outcome if result["__typename"] == "VersionConflict"]
        after = await desk.read(post["id"])
        assert after is not None
        assert after["body"] == winner["body"] == bodies[outcome.index(winner)]
        assert after["version"] == winner["version"] == loser["currentVersion"] == version + 1
        assert len(after["revisions"]) == len(before["revisions"]) + 1


async def test_two_saves_of_one_version_over_http_end_in_one_post_and_one_conflict(
    desk: Desk, over_http: GraphQL
) -> None:
    await two_saves_of_one_version(desk, over_http)


async def test_two_saves_of_one_version_in_process_end_in_one_post_and_one_conflict(
    desk: Desk, editor: GraphQL
) -> None:
    await two_saves_of_one_version(desk, editor)


async def test_two_publishes_at_once_get_different_legs(desk: Desk, over_http: GraphQL) -> None:
    relay = await desk.relay()
    for _ in range(ROUNDS):
        drafts = [await desk.post(relay), await desk.post(relay)]
        outcome = results(
            await race(
                over_http,
                "publishPost",
                *({"id": draft["id"], "expectedVersion": 1} for draft in drafts),
            )
        )
        assert [result["__typename"] for result in outcome] == ["Post", "Post"], outcome
    listed = await desk.editor.data(
        "query ($relay: String!) { relay(slug: $relay) { posts(first: 50) "
        "{ edges { node { leg } } } } }",
        relay=relay["slug"],
    )
    legs = [edge["node"]["leg"] for edge in listed["relay"]["posts"]["edges"]]
    assert sorted(legs) == list(range(1, 2 * ROUNDS + 1))


async def test_two_new_posts_with_one_title_at_once_get_different_slugs(
    desk: Desk, over_http: GraphQL
) -> None:
    relay = await desk.relay()
    for round in range(ROUNDS):
        title = f"Samme overskrift {desk.tag} {round}"
        input = {"relay": relay["slug"], "title": title, "body": "Tekst."}
        outcome = results(await race(over_http, "createPost", input, input))
        assert [result["__typename"] for result in outcome] == ["Post", "Post"], outcome
        assert sorted(result["slug"] for result in outcome) == [
            f"samme-overskrift-{desk.tag}-{round}",
            f"samme-overskrift-{desk.tag}-{round}-2",
        ]
    assert await desk.post_count(relay) == 2 * ROUNDS


async def test_two_new_posts_with_one_slug_at_once_end_in_one_post_and_slug_taken(
    desk: Desk, over_http: GraphQL
) -> None:
    relay = await desk.relay()
    for _ in range(ROUNDS):
        slug = desk.slug("kaploeb")
        inputs = [{"relay": relay["slug"], "title": title, "slug": slug} for title in "AB"]
        outcome = results(await race(over_http, "createPost", *inputs))
        kinds = sorted(result["__typename"] for result in outcome)
        assert kinds == ["Post", "SlugTaken"], outcome
    assert await desk.post_count(relay) == ROUNDS


BURST = 6


async def test_a_burst_of_new_posts_with_one_title_numbers_their_slugs(
    desk: Desk, over_http: GraphQL
) -> None:
    # More at once than a retry of the unique index could absorb: each must wait its turn.
    relay = await desk.relay()
    title = f"Samme overskrift {desk.tag}"
    input = {"relay": relay["slug"], "title": title, "body": "Tekst."}
    outcome = results(await race(over_http, "createPost", *[input] * BURST))
    assert [result["__typename"] for result in outcome] == ["Post"] * BURST, outcome
    base = f"samme-overskrift-{desk.tag}"
    assert sorted(result["slug"] for result in outcome) == sorted(
        [base, *(f"{base}-{n}" for n in range(2, BURST + 1))]
    )
    assert await desk.post_count(relay) == BURST


async def test_a_no_op_publish_racing_an_unpublish_never_answers_a_draft(
    desk: Desk, over_http: GraphQL
) -> None:
    # Publishing a published post changes nothing; if an unpublish lands before the answer
    # is read, "Post{status: DRAFT}" would look like a publish that worked.
    relay = await desk.relay()
    for _ in range(ROUNDS * 2):
        post = await desk.published(relay)
        version = {"id": post["id"], "expectedVersion": post["version"]}
        publish, unpublish = await asyncio.gather(
            over_http(mutation("publishPost"), input=version),
            over_http(mutation("unpublishPost"), input=version),
        )
        (result,) = results([publish])
        assert (result["__typename"], result.get("status")) in {
            ("Post", "PUBLISHED"),
            ("VersionConflict", None),
        }, result
        assert results([unpublish])[0]["__typename"] in {"Post", "VersionConflict"}

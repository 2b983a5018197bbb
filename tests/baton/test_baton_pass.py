"""passBaton and what it shows: who holds a relay's baton, authors' e-mail, and refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from baton_desk import address, pass_baton, passed, relay_baton
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, field_errors, global_id, run

from graph import clock, models

AUTHOR_EMAIL = "query ($slug: String!) { author(slug: $slug) { email } }"


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def email_of(caller: GraphQL, author: dict[str, Any]) -> str | None:
    data = await caller.data(AUTHOR_EMAIL, slug=author["slug"])
    email: str | None = data["author"]["email"]
    return email


def in_days(days: int) -> dt.date:
    return clock.today() + dt.timedelta(days=days)


async def baton_count(relay: dict[str, Any]) -> int:
    return await models.Baton.filter(relay__slug=relay["slug"]).count()


# --- Author.email -------------------------------------------------------------------------


async def test_an_authors_email_is_stored_with_its_domain_in_lower_case(desk: Desk) -> None:
    author = await desk.author(email=f"  Skribent.{desk.tag}@Eksempel.DK ")
    assert await email_of(desk.editor, author) == f"Skribent.{desk.tag}@eksempel.dk"


async def test_anonymous_callers_see_no_email(desk: Desk, gql: GraphQL) -> None:
    author = await desk.author(email=address(desk))
    assert await email_of(gql, author) is None
    assert await email_of(desk.editor, author) == address(desk)


async def test_update_author_sets_and_null_clears_the_email(desk: Desk) -> None:
    author = await desk.author()
    assert await email_of(desk.editor, author) is None
    changed = await desk.ok(
        "updateAuthor", id=author["id"], expectedVersion=author["version"], email=address(desk)
    )
    assert await email_of(desk.editor, author) == address(desk)
    await desk.ok("updateAuthor", id=author["id"], expectedVersion=changed["version"], email=None)
    assert await email_of(desk.editor, author) is None


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("ikke-en-adresse", "INVALID"),
        ("navn@localhost", "INVALID"),
        ("to ord@eksempel.dk", "INVALID"),
        ("a@b.dk, c@d.dk", "INVALID"),
        ("navn@eksempel.dk\nBcc: alle@eksempel.dk", "INVALID"),
        ("<navn@eksempel.dk>", "INVALID"),
        (f"{'a' * 64}@{'b' * 253}.dk", "TOO_LONG"),
    ],
)
async def test_a_bad_email_is_refused_and_nothing_changes(
    desk: Desk, email: str, code: str
) -> None:
    author = await desk.author(email=address(desk))
    result = await run(
        desk.editor, "updateAuthor", id=author["id"], expectedVersion=author["version"], email=email
    )
    assert field_errors(result) == [(["email"], code)]
    assert await email_of(desk.editor, author) == address(desk)
    created = await run(desk.editor, "createAuthor", name="Ny", slug=desk.slug("ny"), email=email)
    assert field_errors(created) == [(["email"], code)]


# --- passBaton ----------------------------------------------------------------------------


async def test_passing_the_baton_shows_it_on_the_relay(desk: Desk, editor_token: str) -> None:
    relay, author = await desk.relay(), await desk.author(email=address(desk))
    baton = await passed(desk, relay, author, in_days(14))
    assert baton["state"] == "HELD"
    assert baton["dueOn"] == in_days(14).isoformat()
    assert baton["passedBy"] == "test-editor"
    assert (baton["author"]["slug"], baton["relay"]["slug"]) == (author["slug"], relay["slug"])
    assert baton["handedOnAt"] is None and baton["post"] is None
    baton.pop("__typename")
    assert await relay_baton(desk.editor, relay) == baton


async def test_anonymous_callers_see_no_baton(desk: Desk, gql: GraphQL) -> None:
    relay, author = await desk.relay(), await desk.author(email=address(desk))
    await passed(desk, relay, author, in_days(14))
    assert await relay_baton(gql, relay) is None


async def test_a_relay_that_never_passed_a_baton_has_none(desk: Desk) -> None:
    assert await relay_baton(desk.editor, await desk.relay()) is None


async def test_passing_again_replaces_the_held_baton(desk: Desk) -> None:
    relay = await desk.relay()
    first = await desk.author(email=address(desk, "foerste"))
    second = await desk.author(email=address(desk, "anden"))
    await passed(desk, relay, first, in_days(10))
    await passed(desk, relay, second, in_days(20))
    shown = await relay_baton(desk.editor, relay)
    assert shown is not None and shown["author"]["slug"] == second["slug"]
    states = (
        await models.Baton.filter(relay__slug=relay["slug"])
        .order_by("id")
        .values_list("author__slug", "state")
    )
    assert states == [(first["slug"], "replaced"), (second["slug"], "held")]


async def test_a_baton_is_refused_for_an_author_without_email(desk: Desk) -> None:
    relay, author = await desk.relay(), await desk.author()
    result = await pass_baton(desk.editor, relay, author, in_days(7))
    assert field_errors(result) == [(["author"], "INVALID")]
    assert "author: has no e-mail address; set one with updateAuthor" in result["message"]
    assert await baton_count(relay) == 0


async def test_a_due_date_in_the_past_is_refused(desk: Desk) -> None:
    relay, author = await desk.relay(), await desk.author(email=address(desk))
    result = await pass_baton(desk.editor, relay, author, in_days(-1))
    assert field_errors(result) == [(["dueOn"], "IN_PAST")]
    assert await baton_count(relay) == 0


async def test_today_is_not_in_the_past(desk: Desk) -> None:
    relay, author = await desk.relay(), await desk.author(email=address(desk))
    assert (await passed(desk, relay, author, in_days(0)))["dueOn"] == clock.today().isoformat()


async def test_an_ended_relay_takes_no_baton(desk: Desk) -> None:
    relay = await desk.relay(status="ENDED")
    author = await desk.author(email=address(desk))
    result = await pass_baton(desk.editor, relay, author, in_days(7))
    assert field_errors(result) == [(["relay"], "INVALID")]
    assert await baton_count(relay) == 0


async def test_every_problem_is_listed_at_once(desk: Desk) -> None:
    relay, author = await desk.relay(status="ENDED"), await desk.author()
    result = await pass_baton(desk.editor, relay, author, in_days(-3))
    assert sorted(field_errors(result)) == [
        (["author"], "INVALID"),
        (["dueOn"], "IN_PAST"),
        (["relay"], "INVALID"),
    ]


@pytest.mark.parametrize("author_id", [global_id("Author", 2_000_000_000), global_id("Relay", 1)])
async def test_an_unknown_author_is_not_found(desk: Desk, author_id: str) -> None:
    relay = await desk.relay()
    result = await pass_baton(desk.editor, relay, {"id": author_id}, in_days(7))
    assert result["__typename"] == "NotFound"
    assert await baton_count(relay) == 0


async def test_an_unknown_relay_is_not_found(desk: Desk) -> None:
    author = await desk.author(email=address(desk))
    relay = {"id": global_id("Relay", 2_000_000_000)}
    assert (await pass_baton(desk.editor, relay, author, in_days(7)))["__typename"] == "NotFound"


async def test_passing_needs_a_token(desk: Desk, gql: GraphQL) -> None:
    relay, author = await desk.relay(), await desk.author(email=address(desk))
    result = await pass_baton(gql, relay, author, in_days(7))
    assert (result["__typename"], result["authenticated"]) == ("Forbidden", False)
    assert await baton_count(relay) == 0


# --- handed on ----------------------------------------------------------------------------


async def test_publishing_a_post_by_the_holder_hands_the_baton_on(desk: Desk) -> None:
    relay, holder = await desk.relay(), await desk.author(email=address(desk))
    await passed(desk, relay, holder, in_days(7))
    post = await desk.published(relay, bylines=[{"author": holder["slug"]}])
    baton = await relay_baton(desk.editor, relay)
    assert baton is not None
    assert (baton["state"], baton["post"]) == ("HANDED_ON", {"slug": post["slug"]})
    assert baton["handedOnAt"] is not None


async def test_a_post_by_someone_else_leaves_the_baton_held(desk: Desk) -> None:
    relay, holder = await desk.relay(), await desk.author(email=address(desk))
    other = await desk.author()
    await passed(desk, relay, holder, in_days(7))
    await desk.published(relay, bylines=[{"author": other["slug"]}])
    await desk.published(await desk.relay(), bylines=[{"author": holder["slug"]}])
    baton = await relay_baton(desk.editor, relay)
    assert baton is not None and baton["state"] == "HELD"


async def test_the_handed_on_baton_stays_the_relays_latest(desk: Desk) -> None:
    relay, holder = await desk.relay(), await desk.author(email=address(desk))
    await passed(desk, relay, holder, in_days(7))
    await desk.published(relay, bylines=[{"author": holder["slug"]}])
    shown = await relay_baton(desk.editor, relay)
    assert shown is not None and shown["author"]["slug"] == holder["slug"]

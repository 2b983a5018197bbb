"""Hostile input gets a clear, typed refusal and changes nothing; never "Unexpected error.".

NUL characters (PostgreSQL cannot store them), lone surrogates (valid JSON escapes, not
text: the whole request is refused), times past either end of the calendar, ids past the id
column's range and cursors that hold nulls: each reaches the same rule on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, field_errors, mutation

NUL = "a\x00b"
LONE_SURROGATE = "a\ud800b"


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def answer(caller: GraphQL, name: str, /, **input: Any) -> dict[str, Any]:
    """The whole answer to a mutation sent with JSON escapes kept as escapes (a lone
    surrogate is not UTF-8)."""
    body = json.dumps({"query": mutation(name), "variables": {"input": input}})
    response = await caller.http.post(
        "/graphql",
        content=body.encode("ascii"),
        headers={**caller.headers, "content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    decoded: dict[str, Any] = response.json()
    return decoded


async def send(caller: GraphQL, name: str, /, **input: Any) -> dict[str, Any]:
    """The mutation's result, which must not be an error of the request."""
    whole = await answer(caller, name, **input)
    assert "errors" not in whole, whole["errors"]
    result: dict[str, Any] = whole["data"]["result"]
    return result


def refused(result: dict[str, Any], *paths: list[str], code: str) -> None:
    """A ValidationFailed naming exactly these paths, each with `code`."""
    assert sorted(field_errors(result)) == sorted((path, code) for path in paths)


# --- NUL and lone surrogates ------------------------------------------------------------


async def test_nul_in_every_text_of_a_new_post_is_refused_by_field(desk: Desk) -> None:
    relay = await desk.relay()
    result = await send(
        desk.editor,
        "createPost",
        relay=relay["slug"] + "\x00",
        title=NUL,
        body=NUL,
        category=NUL,
        bylines=[{"author": NUL, "role": NUL}],
    )
    refused(
        result,
        ["relay"],
        ["title"],
        ["body"],
        ["category"],
        ["bylines", "0", "author"],
        ["bylines", "0", "role"],
        code="INVALID_CHARACTER",
    )
    assert await desk.post_count(relay) == 0


async def test_nul_in_an_edit_leaves_the_post_as_it_was(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    result = await send(desk.editor, "updatePost", id=post["id"], expectedVersion=1, title=NUL)
    refused(result, ["title"], code="INVALID_CHARACTER")
    assert await desk.read(post["id"]) == before


@pytest.mark.parametrize("text", [LONE_SURROGATE, "\udfff"])
async def test_a_lone_surrogate_refuses_the_whole_mutation_before_it_runs(
    desk: Desk, text: str
) -> None:
    # Not text at all: the request is refused (graph/api/surrogates.py), as for a query.
    relay = await desk.relay()
    whole = await answer(desk.editor, "createPost", relay=relay["slug"], title=text, slug=text)
    assert whole["data"] is None
    (error,) = whole["errors"]
    assert error["extensions"] == {"code": "INVALID_CHARACTER", "variable": ["input", "title"]}
    assert error["message"].startswith("Variable $input.title holds an unpaired UTF-16 surrogate")
    assert await desk.post_count(relay) == 0


async def test_a_surrogate_pair_is_ordinary_text(desk: Desk) -> None:
    relay = await desk.relay()
    post = await send(desk.editor, "createPost", relay=relay["slug"], title=f"Hej 😀 {desk.tag}")
    assert post["title"] == f"Hej 😀 {desk.tag}"


async def test_nul_in_names_of_relays_authors_and_organizations_is_refused(desk: Desk) -> None:
    refused(await send(desk.editor, "createRelay", title=NUL), ["title"], code="INVALID_CHARACTER")
    refused(await send(desk.editor, "createAuthor", name=NUL), ["name"], code="INVALID_CHARACTER")
    result = await send(desk.editor, "createOrganization", name="Kommune", shortName=NUL)
    refused(result, ["shortName"], code="INVALID_CHARACTER")


async def test_nul_deep_in_an_import_is_refused_and_imports_nothing(desk: Desk) -> None:
    slug = desk.slug("import")
    result = await send(
        desk.editor,
        "importRelay",
        relay={"slug": slug, "title": "Importeret"},
        posts=[{"slug": desk.slug("p"), "title": "Et", "body": NUL}],
        authors=[{"slug": desk.slug("a"), "name": NUL}],
    )
    refused(result, ["posts", "0", "body"], ["authors", "0", "name"], code="INVALID_CHARACTER")
    relay = await desk.editor.data("query ($s: String!) { relay(slug: $s) { id } }", s=slug)
    assert relay == {"relay": None}


SUBSCRIBE = """mutation ($input: SubscribeInput!) { result: subscribe(input: $input) {
  __typename ... on ValidationFailed { fieldErrors { path code } } } }"""


async def test_nul_in_an_anonymous_subscription_is_refused(gql: GraphQL) -> None:
    body = json.dumps(
        {
            "query": SUBSCRIBE,
            "variables": {"input": {"email": "a\x00@example.org", "relays": ["x\x00"]}},
        }
    )
    response = await gql.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    result = response.json()["data"]["result"]
    refused(result, ["email"], ["relays", "0"], code="INVALID_CHARACTER")


# --- times out of range -----------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:00:00-05:00",  # past year 9999 in UTC
        "9999-12-31T23:30:00+00:00",  # past year 9999 in Copenhagen time
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "0001-01-01T00:00:00",  # Copenhagen time: before year 1 in UTC
    ],
)
async def test_times_past_the_calendar_are_refused_and_change_nothing(
    desk: Desk, moment: str
) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    result = await send(
        desk.editor, "schedulePost", id=post["id"], expectedVersion=1, publishAt=moment
    )
    refused(result, ["publishAt"], code="OUT_OF_RANGE")
    result = await send(
        desk.editor, "publishPost", id=post["id"], expectedVersion=1, publishedAt=moment
    )
    refused(result, ["publishedAt"], code="OUT_OF_RANGE")
    assert await desk.read(post["id"]) == before


async def test_a_due_date_past_the_calendar_is_refused(desk: Desk) -> None:
    relay, author = await desk.relay(), await desk.author()
    result = await send(
        desk.editor, "passBaton", relay=relay["id"], author=author["id"], dueOn="9999-12-31"
    )
    refused(result, ["dueOn"], code="OUT_OF_RANGE")


async def test_a_filter_time_past_the_calendar_is_a_clear_error(gql: GraphQL) -> None:
    body = await gql(
        "query ($t: DateTime!) { posts(filter: {publishedAfter: $t}) { totalCount } }",
        t="0001-01-01T00:00:00+14:00",
    )
    (error,) = body["errors"]
    assert "out of range" in error["message"]


# --- cursors and ids --------------------------------------------------------------------


def cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("field", ["posts", "relays", "authors", "organizations"])
@pytest.mark.parametrize("value", [[None, None], [None, 1], [1, 1]])
async def test_a_cursor_of_nulls_is_an_invalid_cursor(gql: GraphQL, field: str, value: Any) -> None:
    cursor = cursor_of(value)
    body = await gql(f'{{ {field}(after: "{cursor}") {{ totalCount }} }}')
    (error,) = body["errors"]
    assert error["message"] == f"Invalid cursor {cursor!r}."


HUGE_ID = base64.b64encode(b"Post:" + b"9" * 20).decode()


async def test_a_twenty_digit_id_is_an_invalid_id(gql: GraphQL) -> None:
    body = await gql(f'{{ node(id: "{HUGE_ID}") {{ id }} }}')
    (error,) = body["errors"]
    assert error["message"] == f"Invalid id {HUGE_ID!r}."


async def test_a_twenty_digit_id_in_a_mutation_is_not_found(desk: Desk) -> None:
    result = await send(desk.editor, "updatePost", id=HUGE_ID, expectedVersion=1, title="Ny")
    assert result["__typename"] == "NotFound", result


async def test_a_twenty_digit_job_id_is_not_found(admin: GraphQL) -> None:
    document = """mutation { retryJob(input: {id: "99999999999999999999"}) {
      __typename } }"""
    assert (await admin.data(document))["retryJob"]["__typename"] == "NotFound"


@pytest.mark.parametrize(
    "document",
    [
        "query ($s: String!) { post(slug: $s) { id } }",
        "query ($s: String!) { relay(slug: $s) { id } }",
        "query ($s: String!) { author(slug: $s) { id } }",
        "query ($s: String!) { posts(filter: {category: $s}) { totalCount } }",
        "query ($s: String!) { search(query: $s) { totalCount } }",
    ],
)
async def test_unstorable_text_in_a_query_is_not_an_unexpected_error(
    gql: GraphQL, document: str
) -> None:
    # NUL is text that nothing holds: found nothing. A lone surrogate is not text: refused.
    answers = []
    for text in (NUL, LONE_SURROGATE):
        body = json.dumps({"query": document, "variables": {"s": text}})
        response = await gql.http.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 200, response.text
        answers.append(response.json())
    nul, surrogate = answers
    assert "errors" not in nul, nul["errors"]
    assert surrogate["data"] is None
    assert [error["extensions"]["code"] for error in surrogate["errors"]] == ["INVALID_CHARACTER"]


# --- Sizes ------------------------------------------------------------------------------


async def test_a_body_rendering_to_too_much_html_is_refused_and_changes_nothing(
    desk: Desk,
) -> None:
    post = await desk.post()
    bomb = f"[x]: https://example.dk/{'a' * 20_000}\n\n" + "[x] " * 19_000
    result = await send(
        desk.editor, "updatePost", id=post["id"], expectedVersion=post["version"], body=bomb
    )
    refused(result, ["body"], code="TOO_LONG")
    assert "bytes of HTML" in result["message"]
    assert (await desk.read(post["id"]) or {})["version"] == post["version"]


async def test_text_of_wide_characters_is_refused_by_its_bytes(desk: Desk) -> None:
    relay = await desk.relay()
    # 300 characters, as the title rule allows, but 1,200 bytes: twice 300 is the most.
    result = await send(desk.editor, "createPost", relay=relay["slug"], title="😀" * 300)
    refused(result, ["title"], code="TOO_LONG")
    assert "takes 1200 bytes" in result["message"]
    # Danish letters take two bytes each: a title of them all is within the rule.
    await desk.post(relay, title="æ" * 300)


async def test_an_error_quoting_a_huge_cursor_is_cut(gql: GraphQL) -> None:
    document = "query ($c: String) { relays(first: 1, after: $c) { totalCount } }"
    response = await gql.http.post(
        "/graphql", json={"query": document, "variables": {"c": "x" * 100_000}}
    )
    (error,) = response.json()["errors"]
    assert error["message"].startswith("Invalid cursor 'xxx")
    assert error["message"].endswith("… (100000 characters).")
    assert len(response.content) < 1_000  # not the 100 KB cursor echoed

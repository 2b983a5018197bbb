"""On PostgreSQL a planned query the compiler covers is one statement that writes the JSON.

The differential test (test_differential.py) shows the compiled answers are the standard
path's bytes and tags; these pin that the frontend's own operations really take the compiled
path, as exactly one statement, for anonymous callers and editors alike.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from conftest import GraphQL, StatementCounter
from fixtures import synthetic
from planning_paths import PLANNED, executor_counts, path_taken

from graph import models
from graph.app import create_app
from graph.db import libpq_url
from graph.paging.cursors import post_cursor
from graph.read import json_sql as values
from graph.read import sql
from graph.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"
COMPILED_TOTAL = re.compile(r"^graph_execution_compiled_total (\d+)$", re.MULTILINE)
# Every named operation but search, whose ranked walk is Python's (graph.read.search).
CASES = [
    ("RelaysWithPosts", {}),
    ("RelayPage", {"slug": "syntetisk-stafet-0"}),
    ("PostPage", {"slug": "syntetisk-0-2"}),
    ("CategoryPage", {"slug": "syntetisk"}),
    ("AuthorPage", {"slug": "faelles-skribent"}),
    ("OrganizationPage", {"slug": "syntetisk-kommune"}),
]
NOT_COMPILED = {"Search", "SearchWithFacets"}


@pytest.fixture(scope="module")
async def data(database: str) -> AsyncIterator[synthetic.Synthetic]:
    if not database.startswith("psycopg"):
        pytest.skip("the compiler writes PostgreSQL; SQLite runs plans level by level")
    made = await synthetic.create(relays=3)
    try:
        yield made
    finally:
        await synthetic.remove(made)


@pytest.fixture
async def uncached(database: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"response_cache": False}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def _compiled_total(http: httpx.AsyncClient) -> int:
    found = COMPILED_TOTAL.search((await http.get("/metrics")).text)
    assert found is not None, "no graph_execution_compiled_total on /metrics"
    return int(found.group(1))


def test_every_named_operation_but_search_is_a_case() -> None:
    named = {path.stem for path in OPERATIONS.glob("*.graphql")}
    assert named == {name for name, _ in CASES} | NOT_COMPILED


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
@pytest.mark.parametrize(("name", "variables"), CASES, ids=[name for name, _ in CASES])
async def test_a_named_operation_is_one_compiled_statement(
    data: synthetic.Synthetic,
    uncached: httpx.AsyncClient,
    editor_token: str,
    sql_statements: StatementCounter,
    caller: str,
    name: str,
    variables: dict[str, Any],
) -> None:
    headers = {"Authorization": f"Bearer {editor_token}"} if caller == "editor" else {}
    document = (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")
    before = await _compiled_total(uncached)
    sql_statements.statements.clear()
    answer = await GraphQL(uncached, headers).data(document, **variables)
    # An editor's token is looked up (and its use recorded) before the query runs.
    statements = [text for text in sql_statements.statements if "api_token" not in text]
    assert await _compiled_total(uncached) == before + 1
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT json_build_object(")
    assert any(value for value in answer.values()), answer  # it found what it was asked


async def test_a_documents_statement_is_the_same_text_for_other_values(
    data: synthetic.Synthetic, uncached: httpx.AsyncClient, sql_statements: StatementCounter
) -> None:
    """Arguments are parameters, so PostgreSQL prepares a document's statement once."""
    document = (OPERATIONS / "RelayPage.graphql").read_text(encoding="utf-8")
    texts = []
    for slug, first in (("syntetisk-stafet-0", 3), ("syntetisk-stafet-1", 5)):
        sql_statements.statements.clear()
        await GraphQL(uncached).data(document, slug=slug, first=first)
        texts += sql_statements.statements
    assert len(texts) == 2 and texts[0] == texts[1]


UNDER_A_RELAY = """query ($slug: String!, $first: Int!) { relay(slug: $slug) {
  contributors(first: $first) { totalCount } posts(first: $first) { totalCount } } }"""


@pytest.mark.parametrize(
    ("slug", "path"), [("ingen-saadan-stafet", PLANNED), ("syntetisk-stafet-0", "client_error")]
)
async def test_a_bad_page_size_is_an_error_only_where_its_field_runs(
    data: synthetic.Synthetic, uncached: httpx.AsyncClient, slug: str, path: str
) -> None:
    """graphql-core never reads the arguments of a field under a null parent, so `first: -1`
    there is no error; the statement checks its arguments before it runs, so such a request
    is answered level by level (it used to fall back to standard execution)."""
    before = await executor_counts(uncached)
    body = {"query": UNDER_A_RELAY, "variables": {"slug": slug, "first": -1}}
    answer = (await uncached.post("/graphql", json=body)).json()
    assert path_taken(before, await executor_counts(uncached)) == path
    assert ("errors" in answer) is (path != PLANNED), answer


async def test_a_nul_in_a_slug_matches_nothing_in_the_statement_too(
    data: synthetic.Synthetic, uncached: httpx.AsyncClient
) -> None:
    """PostgreSQL cannot bind a NUL as text; stored text never holds one, so it is bound as
    U+FFFD, as the read layer does, instead of failing the statement."""
    before = await executor_counts(uncached)
    body = {"query": "query ($s: String!) { post(slug: $s) { id } }", "variables": {"s": "a\x00b"}}
    answer = (await uncached.post("/graphql", json=body)).json()
    assert path_taken(before, await executor_counts(uncached)) == PLANNED
    assert answer["data"] == {"post": None} and "errors" not in answer


MOMENTS = [
    "2025-06-02 05:37:00+00",  # summer time
    "2025-01-02 05:37:00.123+00",  # winter, with microseconds
    "2025-03-30 01:00:00+00",  # the hour summer time starts
    "2025-10-26 00:59:59.999999+00",  # the last instant of summer time
    "1890-01-01 00:00:00+00",  # local mean time, +00:50:20
    "9999-12-31 12:00:00+00",
]
TEXTS = ["", "abc", "æøå Ærø", 'a"b\\c\n\t\x01\x7f', "emoji 😀 x", "Ærlig-Østergård"]


def _postgres(database: str) -> Any:
    if not database.startswith("psycopg"):
        pytest.skip("the compiler writes PostgreSQL")
    return psycopg.connect(libpq_url(database), autocommit=True)


@pytest.mark.parametrize("moment", MOMENTS)
def test_times_and_cursors_are_spelled_as_python_writes_them(database: str, moment: str) -> None:
    with _postgres(database) as connection:
        cursor = values.cursor([values.json_text(values.utc_moment("t")), "7"])
        row = connection.execute(
            f"SELECT {values.moment('t')}, {cursor} FROM (SELECT %s::timestamptz AS t) x", [moment]
        ).fetchone()
    instant = dt.datetime.fromisoformat(moment + ":00")
    assert row is not None
    assert row[0] == sql.in_copenhagen(instant).isoformat()  # type: ignore[union-attr]
    assert row[1] == post_cursor({"sort_at": instant.astimezone(dt.UTC), "id": 7})


@pytest.mark.parametrize("text", TEXTS)
def test_a_sort_key_in_a_cursor_is_json_as_python_writes_it(database: str, text: str) -> None:
    with _postgres(database) as connection:
        row = connection.execute(
            f"SELECT {values.ascii_json_text('%(t)s::text')}", {"t": text}
        ).fetchone()
    assert row is not None and row[0] == json.dumps(text)


AUTHOR_POSTS = """
query ($slug: String!, $first: Int!, $after: String) {
  author(slug: $slug) { posts(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { slug } }
  } }
}
"""


async def test_an_authors_count_holds_on_a_page_past_the_end(
    data: synthetic.Synthetic, uncached: httpx.AsyncClient, settings: Settings
) -> None:
    """The page counts its parent's posts on the way; past the last one no row carries the
    count, and the separate count answers. In the middle, both executors agree."""
    gql, slug = GraphQL(uncached), data.shared_author
    posts = (await gql.data(AUTHOR_POSTS, slug=slug, first=100))["author"]["posts"]
    assert posts["totalCount"] == len(posts["edges"]) > 2
    end = posts["pageInfo"]["endCursor"]
    past = (await gql.data(AUTHOR_POSTS, slug=slug, first=5, after=end))["author"]["posts"]
    assert (past["edges"], past["totalCount"]) == ([], posts["totalCount"])
    two = (await gql.data(AUTHOR_POSTS, slug=slug, first=2))["author"]["posts"]
    middle = {"slug": slug, "first": 3, "after": two["pageInfo"]["endCursor"]}
    off = {"planned_execution": False, "response_cache": False}
    standard = create_app(settings.model_copy(update=off))
    transport = httpx.ASGITransport(app=standard)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        theirs = await GraphQL(http).data(AUTHOR_POSTS, **middle)
    assert await gql.data(AUTHOR_POSTS, **middle) == theirs


async def test_an_authors_page_follows_its_posts_status_and_time(
    data: synthetic.Synthetic, uncached: httpx.AsyncClient, settings: Settings
) -> None:
    """The byline index (migration 0009) copies each post's status and time: unpublishing,
    republishing and moving a post show on the compiled page as on the standard one."""
    slug, moved = data.shared_author, "syntetisk-0-1"
    post = await models.Post.get(slug=moved)
    # Uncached: the rows change behind the apps' backs, with no invalidation.
    off = {"planned_execution": False, "response_cache": False}
    standard = create_app(settings.model_copy(update=off))
    transport = httpx.ASGITransport(app=standard)

    async def both() -> list[str]:
        ours = await GraphQL(uncached).data(AUTHOR_POSTS, slug=slug, first=100)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            theirs = await GraphQL(http).data(AUTHOR_POSTS, slug=slug, first=100)
        assert ours == theirs
        return [edge["node"]["slug"] for edge in ours["author"]["posts"]["edges"]]

    try:
        assert moved in await both()
        await models.Post.filter(id=post.id).update(status=models.PostStatus.DRAFT)
        assert moved not in await both()
        newest = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
        await models.Post.filter(id=post.id).update(
            status=models.PostStatus.PUBLISHED, published_at=newest
        )
        assert (await both())[0] == moved
    finally:
        await models.Post.filter(id=post.id).update(
            status=post.status, published_at=post.published_at
        )

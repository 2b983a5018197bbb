"""Every nested frontend query costs the same number of SQL statements at any page size, and
each named operation an exact, pinned number on either executor."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import GraphQL, StatementCounter
from fixtures import synthetic

from graph.app import create_app
from graph.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"


@pytest.fixture(scope="module")
async def data(database: str) -> AsyncIterator[synthetic.Synthetic]:
    made = await synthetic.create(relays=10)
    try:
        yield made
    finally:
        await synthetic.remove(made)


def operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


async def run_counted(
    gql: GraphQL, statements: StatementCounter, name: str, **variables: Any
) -> tuple[int, dict[str, Any]]:
    return await run_document(gql, statements, operation(name), **variables)


async def run_document(
    gql: GraphQL, statements: StatementCounter, document: str, **variables: Any
) -> tuple[int, dict[str, Any]]:
    statements.statements.clear()
    result = await gql.data(document, **variables)
    return len(statements.statements), result


def size(value: Any) -> int:
    """How many objects a response holds, to show the larger page really is larger."""
    if isinstance(value, dict):
        return 1 + sum(size(item) for item in value.values())
    if isinstance(value, list):
        return sum(size(item) for item in value)
    return 0


# Eight times the small page; 50 relays of 10 posts (or 10 of 50) with 20 bylines each would
# cost past MAX_QUERY_COST with their bytes priced.
LARGE_PAGE = 40
CASES = [
    ("RelayPage", {"slug": "syntetisk-stafet-0"}, "first"),
    ("RelaysWithPosts", {}, "first"),
    ("RelaysWithPosts", {"first": 10}, "postsFirst"),
    ("CategoryPage", {"slug": "syntetisk"}, "first"),
    ("AuthorPage", {"slug": "faelles-skribent"}, "first"),
    ("OrganizationPage", {"slug": "syntetisk-kommune"}, "first"),
    ("Search", {"query": "indlæg stafet"}, "first"),
]


@pytest.mark.parametrize(("name", "variables", "page_argument"), CASES)
async def test_statement_count_does_not_grow_with_page_size(
    data: synthetic.Synthetic,
    gql: GraphQL,
    sql_statements: StatementCounter,
    name: str,
    variables: dict[str, Any],
    page_argument: str,
) -> None:
    small_count, small = await run_counted(
        gql, sql_statements, name, **variables, **{page_argument: 5}
    )
    large_count, large = await run_counted(
        gql, sql_statements, name, **variables, **{page_argument: LARGE_PAGE}
    )
    assert size(large) > size(small)  # the larger page really fetched more parents
    assert small_count == large_count, sql_statements.statements


async def test_post_page_is_a_fixed_handful_of_statements(
    data: synthetic.Synthetic, gql: GraphQL, sql_statements: StatementCounter
) -> None:
    count, result = await run_counted(gql, sql_statements, "PostPage", slug="syntetisk-3-4")
    assert result["post"]["previous"]["slug"] == "syntetisk-3-3"
    assert result["post"]["next"]["slug"] == "syntetisk-3-5"
    # post, relay, category, bylines, authors, organisations, neighbours, neighbour posts
    assert count <= 8, sql_statements.statements


async def test_relay_list_nesting_is_one_statement_per_level(
    data: synthetic.Synthetic, gql: GraphQL, sql_statements: StatementCounter
) -> None:
    count, result = await run_counted(gql, sql_statements, "RelaysWithPosts", first=8)
    assert len(result["relays"]["edges"]) == 8
    # relays, relay count, posts, post counts, categories, bylines, authors, organisations
    assert count <= 8, sql_statements.statements


EDITOR_POSTS = """
query EditorPosts($first: Int!) {
  posts(first: $first, filter: {status: [DRAFT, PUBLISHED]}) {
    edges { node { slug status revisions { version actor } bylines { author { name } }
      pending { title category { slug } bylines { author { name } } } } }
  }
}
"""


async def test_editor_lists_with_revisions_and_pending_do_not_grow_with_page_size(
    data: synthetic.Synthetic, editor: GraphQL, sql_statements: StatementCounter
) -> None:
    # Warm up: a token's first request in a minute also records when it was last used.
    await editor.data(EDITOR_POSTS, first=1)
    counts = []
    for first in (5, 50):
        sql_statements.statements.clear()
        result = await editor.data(EDITOR_POSTS, first=first)
        assert len(result["posts"]["edges"]) == first
        counts.append(len(sql_statements.statements))
    assert counts[0] == counts[1], sql_statements.statements


CONTRIBUTORS_OF_RELAYS = """
query ($first: Int!) {
  relays(first: 10) {
    edges { node { slug contributors(first: $first) { edges { node { name } } } } }
  }
}
"""


@dataclass
class Executor(GraphQL):
    compiled: bool = False  # planned on PostgreSQL: one compiled statement per query


@pytest.fixture(params=[True, False], ids=["planned", "standard"])
async def either_executor(
    request: pytest.FixtureRequest, database: str, settings: Settings
) -> AsyncIterator[Executor]:
    """An anonymous caller of the planned executor, then of the standard one."""
    app = create_app(settings.model_copy(update={"planned_execution": request.param}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield Executor(http, compiled=request.param and database.startswith("psycopg"))


async def test_contributors_of_ten_relays_are_one_statement_at_any_page_size(
    data: synthetic.Synthetic, either_executor: Executor, sql_statements: StatementCounter
) -> None:
    counts, shown = [], []
    for first in (1, 20):
        count, result = await run_document(
            either_executor, sql_statements, CONTRIBUTORS_OF_RELAYS, first=first
        )
        edges = result["relays"]["edges"]
        assert len(edges) == 10
        counts.append(count)
        shown.append(sum(len(edge["node"]["contributors"]["edges"]) for edge in edges))
    assert shown == [10, 20]  # one, then both writers of each synthetic relay
    # The relays, then every relay's page of contributors in one statement; compiled on
    # PostgreSQL, the relays and their contributors in one.
    compiled = either_executor.compiled
    assert counts == ([1, 1] if compiled else [2, 2]), sql_statements.statements


# Statements each named operation (schema/operations) sends for an anonymous caller, with the
# variables below, on each executor and database (planned on PostgreSQL: one compiled
# statement, but for search). A change that moves one updates its row; a new operation adds
# one. Aligned by hand, so the formatter is kept off the table.
# fmt: off
STATEMENTS = {
    #                       SQLite               PostgreSQL
    #                       planned  standard    planned  standard
    "AuthorPage":          (4,       6,          1,       6),
    "CategoryPage":        (4,       7,          1,       7),
    "OrganizationPage":    (7,       10,         1,       10),
    "PostPage":            (4,       8,          1,       8),
    "RelayPage":           (6,       9,          1,       9),
    "RelaysWithPosts":     (5,       8,          1,       8),
    "Search":              (3,       6,          3,       6),
    "SearchWithFacets":    (6,       7,          6,       7),
}
# fmt: on
# Every answer shows more objects than this: each operation found its page, not a miss.
SHOWN_OBJECTS = 5
NAMED_VARIABLES: dict[str, dict[str, Any]] = {
    "AuthorPage": {"slug": "faelles-skribent"},
    "CategoryPage": {"slug": "syntetisk"},
    "OrganizationPage": {"slug": "syntetisk-kommune"},
    "PostPage": {"slug": "syntetisk-3-4"},
    "RelayPage": {"slug": "syntetisk-stafet-0"},
    "RelaysWithPosts": {},
    "Search": {"query": "indlæg stafet"},
    "SearchWithFacets": {"query": "indlæg stafet"},
}


@pytest.fixture(scope="module")
async def executors(database: str, settings: Settings) -> AsyncIterator[dict[str, GraphQL]]:
    """An anonymous caller of each executor, without the response cache (a hit sends none)."""
    async with contextlib.AsyncExitStack() as stack:
        callers = {}
        for name, planned in (("planned", True), ("standard", False)):
            app = create_app(
                settings.model_copy(update={"planned_execution": planned, "response_cache": False})
            )
            transport = httpx.ASGITransport(app=app)
            http = httpx.AsyncClient(transport=transport, base_url="http://test")
            callers[name] = GraphQL(await stack.enter_async_context(http))
        yield callers


def test_every_named_operation_has_pinned_statement_counts() -> None:
    named = {path.stem for path in OPERATIONS.glob("*.graphql")}
    assert named == set(STATEMENTS) == set(NAMED_VARIABLES)


async def statements_sent(caller: GraphQL, statements: StatementCounter, name: str) -> list[str]:
    """The statements one run of the operation sends; a second run must send as many
    (nothing is cached between them) and the answer must show what was asked for."""
    runs = []
    for _ in range(2):
        _, result = await run_counted(caller, statements, name, **NAMED_VARIABLES[name])
        assert all(result.values()) and size(result) > SHOWN_OBJECTS, result
        runs.append(list(statements.statements))
    assert len(runs[0]) == len(runs[1]), runs
    return runs[0]


@pytest.mark.parametrize("name", sorted(STATEMENTS))
async def test_named_operation_sends_its_pinned_statements_on_both_executors(
    data: synthetic.Synthetic,
    executors: dict[str, GraphQL],
    sql_statements: StatementCounter,
    settings: Settings,
    name: str,
) -> None:
    sent = {
        executor: await statements_sent(caller, sql_statements, name)
        for executor, caller in executors.items()
    }
    sqlite = settings.database_url.startswith("sqlite")
    pinned = STATEMENTS[name][:2] if sqlite else STATEMENTS[name][2:]
    counts = (len(sent["planned"]), len(sent["standard"]))
    assert counts == pinned, (
        f"{name} on {'SQLite' if sqlite else 'PostgreSQL'}: (planned, standard) sent {counts}, "
        f"STATEMENTS pins {pinned}\nplanned: {sent['planned']}\nstandard: {sent['standard']}"
    )

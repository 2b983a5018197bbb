"""On PostgreSQL a planned query the compiler covers is one statement that writes the JSON.

The differential test (test_differential.py) shows the compiled answers are the standard
path's bytes and tags; these pin that the frontend's own operations really take the compiled
path, as exactly one statement, for anonymous callers and editors alike.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import GraphQL, StatementCounter
from fixtures import synthetic

from graph.app import create_app
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

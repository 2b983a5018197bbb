"""Settings are read from the environment where a process starts, and passed on from there.

A module that calls `get_settings()` (or builds `Settings()`) in the middle of a request or a
job reads the environment instead of what its process was started with: a test, or a second
app in one process, could not give it other settings (issue 22).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import GraphQL

from graph.app import create_app
from graph.settings import Settings, get_settings

PACKAGE = Path(__file__).resolve().parents[1] / "graph"
# Where a process starts, as (module, function); None allows the whole module.
ENTRY_POINTS = {
    ("graph/settings.py", None),  # defines them
    ("graph/cli.py", None),  # every `graph` command starts a process
    ("graph/app.py", "app_from_environment"),  # uvicorn's factory in each worker process
    # `tortoise -c graph.db.TORTOISE_ORM …`: the tortoise command's own process start.
    ("graph/db.py", "__getattr__"),
}
# Its own process starts (the bench's servers and loaders); leaving the package elsewhere.
EXCLUDED = ("graph/bench/",)
READERS = {"get_settings", "Settings"}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _reads(path: Path) -> list[tuple[str | None, int]]:
    """(enclosing top-level function, line) of each settings read in the module."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for top in tree.body:
        name = top.name if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef) else None
        for node in ast.walk(top):
            if isinstance(node, ast.Call) and _called_name(node) in READERS:
                found.append((name, node.lineno))
    return found


def offenders() -> list[str]:
    """`path:line (function)` of every settings read outside an entry point."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = str(path.relative_to(PACKAGE.parent))
        if module.startswith(EXCLUDED):
            continue
        for function, line in _reads(path):
            if (module, None) not in ENTRY_POINTS and (module, function) not in ENTRY_POINTS:
                found.append(f"{module}:{line} ({function})")
    return found


def test_settings_are_read_only_where_a_process_starts() -> None:
    assert offenders() == []


def test_the_check_sees_a_read_in_a_request_path(tmp_path: Path) -> None:
    module = tmp_path / "pages.py"
    module.write_text("def limit():\n    return get_settings().max_page_size\n")
    assert _reads(module) == [("limit", 2)]


@pytest.fixture
def environment_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """MAX_PAGE_SIZE=1000 in the environment, and no process settings read before it."""
    monkeypatch.setenv("MAX_PAGE_SIZE", "1000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# Top-level lists, a nested page and revisions: each reads the cap on its own path.
CAPPED = {
    "posts": "{ posts(first: 4) { edges { cursor } } }",
    "relays": "{ relays(first: 4) { edges { cursor } } }",
    "nested": '{ relay(slug: "lederskabs-stafetten") { posts(first: 4) { edges { cursor } } } }',
    "search": '{ search(query: "ledelse", first: 4) { edges { cursor } } }',
}


@pytest.mark.usefixtures("environment_says_otherwise")
@pytest.mark.parametrize("planned", [True, False], ids=["planned", "standard"])
@pytest.mark.parametrize("field", sorted(CAPPED))
async def test_the_page_cap_given_to_the_app_governs_its_requests(
    database: str, settings: Settings, planned: bool, field: str
) -> None:
    app = create_app(settings.model_copy(update={"max_page_size": 3, "planned_execution": planned}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        gql = GraphQL(http)
        body = await gql(CAPPED[field])
        assert [error["message"] for error in body["errors"]] == [
            "`first` must be between 0 and 3; got 4."
        ]
        data = await gql.data(CAPPED[field].replace("first: 4", "first: 3"))
        assert None not in data.values()  # the relay exists: the refusal was the cap's

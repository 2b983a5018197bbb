"""GraphiQL in a real headless Chromium against a real `graph serve`: it loads with no other
host to reach, runs a typed query and shows the answer, and its explorer lists the schema.

Playwright drives Debian's `chromium` (never a browser of its own). Without Chromium the tests
are skipped with a message, except under CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from fixtures.processes import serving
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

QUERY = "{ relays(first: 1) { edges { node { title } } } }"
ANSWER = {"relays": {"edges": [{"node": {"title": "Lederskabs-stafetten"}}]}}
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
TIMEOUT_MS = 20_000
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"


@pytest.fixture(scope="module")
def chromium() -> str:
    """The system Chromium's path; skipped (failed under CI) when it is not installed."""
    path = shutil.which("chromium")
    if path is None:
        message = (
            "Chromium is not installed, so GraphiQL's browser test cannot run: "
            "`apt-get install chromium` (Debian) and run it again"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `graph serve` process on the test database (the demo relay loaded); its base URL."""
    log = tmp_path_factory.mktemp("graphiql-serve") / "serve.log"
    env = {**os.environ, "DATABASE_URL": database, "LOG_LEVEL": "WARNING"}
    with serving(env, log) as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Visit:
    """A page in a fresh browser context, with what it asked for and what it complained of."""

    page: Page
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def graphiql(browser: Browser, server: str) -> Iterator[Visit]:
    """GraphiQL loaded from the server; any request to another host is recorded and refused."""
    context = browser.new_context()
    visit = Visit(context.new_page())

    def only_loopback(route: Route) -> None:
        url = route.request.url
        visit.requested.append(url)
        if urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            visit.refused.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    visit.page.on("console", lambda m: m.type == "error" and visit.errors.append(m.text))
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    visit.page.goto(f"{server}/graphql", timeout=TIMEOUT_MS)
    expect(visit.page.locator(QUERY_EDITOR)).to_be_visible(timeout=TIMEOUT_MS)
    try:
        yield visit
    finally:
        context.close()


def editor_text(page: Page, selector: str) -> str:
    text: str = page.evaluate(
        "selector => document.querySelector(selector).CodeMirror.getValue()", selector
    )
    return text


def test_graphiql_runs_a_typed_query_and_shows_the_answer(graphiql: Visit) -> None:
    page = graphiql.page
    page.locator(QUERY_EDITOR).click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(QUERY)
    assert editor_text(page, QUERY_EDITOR) == QUERY
    page.keyboard.press("Control+Enter")
    expect(page.locator(RESPONSE)).to_contain_text("Lederskabs-stafetten", timeout=TIMEOUT_MS)
    assert json.loads(editor_text(page, RESPONSE))["data"] == ANSWER
    assert graphiql.refused == []
    assert graphiql.errors == []


def test_graphiql_asks_no_other_host_for_anything(graphiql: Visit, server: str) -> None:
    graphiql.page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    assert graphiql.refused == []
    assert f"{server}/graphiql/start.js" in graphiql.requested
    assert all(url.startswith(f"{server}/") for url in graphiql.requested)


def test_the_explorer_lists_the_schema_root_fields(graphiql: Visit) -> None:
    page = graphiql.page
    page.get_by_label("Show GraphiQL Explorer").click()
    explorer = page.locator(".graphiql-plugin")
    expect(explorer).to_contain_text("relays", timeout=TIMEOUT_MS)
    expect(explorer).to_contain_text("organizations", timeout=TIMEOUT_MS)
    assert graphiql.errors == []


def test_a_request_to_another_host_would_be_caught(graphiql: Visit) -> None:
    """What the offline claim rests on: the recorder sees a request that leaves loopback."""
    elsewhere = graphiql.page.context.new_page()
    elsewhere.set_content('<img src="http://192.0.2.1/pixel.png">')
    assert graphiql.refused == ["http://192.0.2.1/pixel.png"]

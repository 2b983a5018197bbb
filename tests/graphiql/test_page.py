"""GET /graphql's GraphiQL page and the files it loads, all served by this app."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from graph.app import create_app
from graph.graphiql.assets import GRAPHIQL, PACKAGES, STATIC_DIR, VERSIONS_FILE
from graph.settings import Settings

BROWSER = {"accept": "text/html"}


def loaded_urls(html: str) -> list[str]:
    """Every script and stylesheet address in the page."""
    return re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', html)


async def page(client: httpx.AsyncClient) -> httpx.Response:
    response = await client.get("/graphql", headers=BROWSER)
    assert response.status_code == 200
    return response


async def test_a_browser_gets_graphiql_that_names_no_other_host(client: httpx.AsyncClient) -> None:
    response = await page(client)
    assert response.headers["content-type"].startswith("text/html")
    assert "://" not in response.text
    assert loaded_urls(response.text)
    assert all(url.startswith("/graphiql/") for url in loaded_urls(response.text))


async def test_the_browser_is_told_to_load_nothing_from_elsewhere(
    client: httpx.AsyncClient,
) -> None:
    policy = (await page(client)).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"


async def test_every_pinned_file_is_served_and_cached_for_good(client: httpx.AsyncClient) -> None:
    pinned = [url for url in loaded_urls((await page(client)).text) if "/start.js" not in url]
    assert len(pinned) == 6  # react, react-dom, GraphiQL's script and style, the plugin's two
    for url in pinned:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_our_start_script_is_revalidated(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphiql/start.js")
    assert response.status_code == 200
    assert "GraphiQLPluginExplorer.explorerPlugin()" in response.text
    assert response.headers["cache-control"] == "no-cache"
    again = await client.get(
        "/graphiql/start.js", headers={"if-none-match": response.headers["etag"]}
    )
    assert again.status_code == 304


async def test_an_unknown_file_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphiql/react-0.0.1/react.production.min.js")
    assert response.status_code == 404
    assert "cache-control" not in response.headers


@pytest.fixture
async def one_unit_budget(database: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose clients may spend a single cost unit per hour."""
    settings = Settings(database_url=database, rate_limit_cost=1, rate_limit_window_s=3600)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_static_files_are_outside_budgets(one_unit_budget: httpx.AsyncClient) -> None:
    await page(one_unit_budget)  # spends the one unit
    assert (await one_unit_budget.get("/graphql", headers=BROWSER)).status_code == 429
    for _ in range(3):
        response = await one_unit_budget.get(GRAPHIQL.url("graphiql.min.js"))
        assert response.status_code == 200
        assert "ratelimit" not in response.headers


def test_vendored_files_are_the_pinned_ones_with_licences() -> None:
    versions = (STATIC_DIR / VERSIONS_FILE).read_text(encoding="utf-8")
    listed = dict(
        (path, digest) for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", versions, re.M)
    )
    expected = {
        f"{package.folder}/{name}"
        for package in PACKAGES
        for name in [*package.files.values(), *package.borrowed]
    }
    on_disk = {
        str(path.relative_to(STATIC_DIR)) for path in STATIC_DIR.glob("*/*") if path.is_file()
    }
    assert set(listed) == expected == on_disk
    for path, digest in listed.items():
        assert hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest() == digest, path
    for package in PACKAGES:
        assert (STATIC_DIR / package.folder / "LICENSE").is_file()
        assert f"| {package.name} | {package.version} | {package.licence} |" in versions

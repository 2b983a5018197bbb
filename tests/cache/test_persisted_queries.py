"""Apollo's automatic persisted queries over GET and POST, and the named-operations-only mode."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fixtures.cached import Cached, cached_app
from graphql import parse, print_ast

from graph.cache.persisted import OPERATIONS_DIR, sha256_hex

QUERY = "query Few { posts(first: 2) { edges { node { slug } } } }"


@pytest.fixture
async def cached(database: str) -> AsyncIterator[Cached]:
    async for app in cached_app(database):
        yield app


def extensions(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def post(
    app: Cached, headers: dict[str, str] | None = None, **body: Any
) -> tuple[int, dict[str, Any]]:
    response = await app.http.post("/graphql", json=body, headers=headers or {})
    return response.status_code, response.json()


async def test_an_unknown_hash_asks_for_the_query_then_the_hash_alone_works(
    cached: Cached,
) -> None:
    digest = sha256_hex(QUERY)
    status, body = await post(cached, extensions=extensions(digest))
    assert status == 200
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    status, registered = await post(cached, query=QUERY, extensions=extensions(digest))
    assert status == 200 and "errors" not in registered

    response = await cached.http.post("/graphql", json={"extensions": extensions(digest)})
    assert response.json() == registered
    assert response.headers["x-cache"] == "HIT"


async def test_a_hash_works_over_get_too(cached: Cached) -> None:
    digest = sha256_hex(QUERY)
    await post(cached, query=QUERY, extensions=extensions(digest))
    params = {"extensions": json.dumps(extensions(digest)), "operationName": "Few"}
    first = await cached.http.get("/graphql", params=params)
    assert first.status_code == 200
    assert len(first.json()["data"]["posts"]["edges"]) == 2
    again = await cached.http.get(
        "/graphql", params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


async def test_a_hash_that_does_not_match_the_query_is_refused(cached: Cached) -> None:
    status, body = await post(cached, query=QUERY, extensions=extensions("0" * 64))
    assert status == 400
    assert body["errors"][0]["message"] == "provided sha does not match query"


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": sha256_hex(QUERY)},
        {"version": "1", "sha256Hash": sha256_hex(QUERY)},
        {"version": True, "sha256Hash": sha256_hex(QUERY)},
        {"sha256Hash": sha256_hex(QUERY)},
        sha256_hex(QUERY),
    ],
    ids=["2", "string", "true", "missing", "not an object"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_version_other_than_1_is_refused_and_registers_nothing(
    cached: Cached, method: str, persisted: Any
) -> None:
    sent = {"query": QUERY, "extensions": {"persistedQuery": persisted}}
    if method == "GET":
        params = {**sent, "extensions": json.dumps(sent["extensions"])}
        response = await cached.http.get("/graphql", params=params)
    else:
        response = await cached.http.post("/graphql", json=sent)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == "Unsupported persisted query version"  # Apollo Server's words
    assert error["extensions"]["code"] == "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"
    _, body = await post(cached, extensions=extensions(sha256_hex(QUERY)))
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_hash_that_is_not_a_string_is_refused(cached: Cached) -> None:
    persisted = {"version": 1, "sha256Hash": 12}
    status, body = await post(cached, query=QUERY, extensions={"persistedQuery": persisted})
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_the_named_operations_are_known_from_the_start(cached: Cached) -> None:
    text = (OPERATIONS_DIR / "RelayPage.graphql").read_text(encoding="utf-8")
    for sent in (text, print_ast(parse(text))):
        status, body = await post(
            cached,
            extensions=extensions(sha256_hex(sent)),
            variables={"slug": "lederskabs-stafetten"},
        )
        assert status == 200
        assert body["data"]["relay"]["slug"] == "lederskabs-stafetten"


async def test_only_known_mode_refuses_other_texts_and_registrations(
    database: str, editor_token: str
) -> None:
    async for app in cached_app(database, apq_only_known=True):
        status, body = await post(app, query=QUERY)
        assert status == 400
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        status, body = await post(app, query=QUERY, extensions=extensions(sha256_hex(QUERY)))
        assert status == 400
        status, body = await post(app, extensions=extensions(sha256_hex(QUERY)))
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

        text = (OPERATIONS_DIR / "PostPage.graphql").read_text(encoding="utf-8")
        status, body = await post(app, query=text, variables={"slug": "politi-med-bloed-hat"})
        assert status == 200 and body["data"]["post"]["slug"] == "politi-med-bloed-hat"

        # Editors and scripts with a token send any text, mutations included.
        token = {"Authorization": f"Bearer {editor_token}"}
        status, body = await post(app, token, query=QUERY)
        assert status == 200 and "errors" not in body


@pytest.mark.parametrize(
    "text",
    [
        "{ posts(first: 2) { edges { node { slug } } }",  # does not parse
        "{ posts { edges { node { nonsense } } } }",  # parses, names no such field
        "{ " + " ".join(f"a{index}: __typename" for index in range(40)) + " }",  # too many aliases
    ],
)
async def test_only_a_valid_document_is_stored_by_its_hash(cached: Cached, text: str) -> None:
    digest = sha256_hex(text)
    _, body = await post(cached, query=text, extensions=extensions(digest))
    assert "errors" in body
    status, body = await post(cached, extensions=extensions(digest))
    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

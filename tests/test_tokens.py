"""API tokens: made once and shown once, kept only as a hash, revocable; the service and the
`graph token` command an operator runs."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from conftest import GraphQL

from graph import models, tokens
from graph.read import sql

REVISIONS = '{ post(slug: "politi-med-bloed-hat") { revisions { version } } }'


@pytest.fixture
async def tag(database: str) -> AsyncIterator[str]:
    """A random part for token names; tokens named with it are deleted afterwards."""
    tag = secrets.token_hex(4)
    try:
        yield tag
    finally:
        await models.ApiToken.filter(name__contains=tag).delete()


# --- the service ------------------------------------------------------------------------


async def test_a_new_token_stands_for_its_name_and_role(tag: str) -> None:
    token = await tokens.create_token(f"anne-{tag}", models.Role.ADMIN)
    assert token.startswith("graph_")
    viewer = await tokens.authenticate(token)
    assert viewer is not None and (viewer.name, viewer.role) == (f"anne-{tag}", models.Role.ADMIN)


async def test_each_token_is_different(tag: str) -> None:
    first = await tokens.create_token(f"a-{tag}", models.Role.EDITOR)
    second = await tokens.create_token(f"b-{tag}", models.Role.EDITOR)
    assert first != second
    assert len(first) > 40  # 256 random bits, not a guessable string


async def test_only_the_tokens_sha256_is_stored(tag: str) -> None:
    token = await tokens.create_token(f"anne-{tag}", models.Role.EDITOR)
    rows = await sql.fetch("SELECT * FROM api_token")
    assert not [row for row in rows if any(token in str(value) for value in row.values())]
    (row,) = [row for row in rows if row["name"] == f"anne-{tag}"]
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()


async def test_a_revoked_token_no_longer_authenticates(tag: str) -> None:
    token = await tokens.create_token(f"anne-{tag}", models.Role.EDITOR)
    await tokens.revoke_token(f"anne-{tag}")
    assert await tokens.authenticate(token) is None


async def test_an_unknown_token_does_not_authenticate(database: str) -> None:
    assert await tokens.authenticate(f"graph_{secrets.token_urlsafe(32)}") is None


async def test_a_second_token_with_a_name_in_use_is_refused(tag: str) -> None:
    first = await tokens.create_token(f"anne-{tag}", models.Role.EDITOR)
    with pytest.raises(tokens.TokenError, match="exists already"):
        await tokens.create_token(f"anne-{tag}", models.Role.ADMIN)
    viewer = await tokens.authenticate(first)
    assert viewer is not None and (viewer.name, viewer.role) == (f"anne-{tag}", models.Role.EDITOR)
    assert await models.ApiToken.filter(name=f"anne-{tag}").count() == 1


async def test_a_blank_name_is_refused(database: str) -> None:
    with pytest.raises(tokens.TokenError):
        await tokens.create_token("   ", models.Role.EDITOR)


async def test_revoking_a_name_nobody_has_is_refused(tag: str) -> None:
    with pytest.raises(tokens.TokenError, match="no active token"):
        await tokens.revoke_token(f"ingen-{tag}")


async def test_revoking_twice_is_refused_the_second_time(tag: str) -> None:
    await tokens.create_token(f"anne-{tag}", models.Role.EDITOR)
    await tokens.revoke_token(f"anne-{tag}")
    with pytest.raises(tokens.TokenError):
        await tokens.revoke_token(f"anne-{tag}")


async def test_using_a_token_records_when(tag: str) -> None:
    token = await tokens.create_token(f"anne-{tag}", models.Role.EDITOR)
    await tokens.authenticate(token)
    (listed,) = [t for t in await tokens.list_tokens() if t.name == f"anne-{tag}"]
    assert listed.last_used_at is not None


async def test_the_api_honours_a_token_until_it_is_revoked(
    tag: str, client: httpx.AsyncClient
) -> None:
    token = await tokens.create_token(f"anne-{tag}", models.Role.EDITOR)
    caller = GraphQL(client, {"Authorization": f"Bearer {token}"})
    assert (await caller.data(REVISIONS))["post"]["revisions"] is not None
    await tokens.revoke_token(f"anne-{tag}")
    assert (await caller.data(REVISIONS))["post"]["revisions"] is None
    refused = await caller.data('mutation { createCategory(input: {name: "Emne"}) { __typename } }')
    assert refused == {"createCategory": {"__typename": "Forbidden"}}


# --- the `graph token` command ----------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """How a command ended."""

    code: int
    stdout: str
    stderr: str


async def graph_token(database: str, *args: str) -> Run:
    """`graph token ARGS` as an operator runs it, against the test database."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "graph",
        "token",
        *args,
        env={**os.environ, "DATABASE_URL": database},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


async def test_cli_create_prints_a_working_token(database: str, tag: str) -> None:
    done = await graph_token(database, "create", "--name", f"cli-{tag}", "--role", "editor")
    assert done.code == 0, done.stderr
    (token,) = done.stdout.split()  # the token alone on stdout, ready for a pipe
    viewer = await tokens.authenticate(token)
    assert viewer is not None and (viewer.name, viewer.role) == (f"cli-{tag}", models.Role.EDITOR)
    assert f"cli-{tag}" in done.stderr  # the note about it goes to stderr


async def test_cli_list_shows_name_and_role(database: str, tag: str) -> None:
    await tokens.create_token(f"cli-admin-{tag}", models.Role.ADMIN)
    done = await graph_token(database, "list")
    assert done.code == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if f"cli-admin-{tag}" in line]
    assert line.split()[:2] == [f"cli-admin-{tag}", "admin"]


async def test_cli_list_never_shows_a_token_or_its_hash(database: str, tag: str) -> None:
    token = await tokens.create_token(f"cli-{tag}", models.Role.EDITOR)
    done = await graph_token(database, "list")
    assert token not in done.stdout
    assert tokens.token_hash(token) not in done.stdout


async def test_cli_revoke_stops_the_token(database: str, tag: str) -> None:
    token = await tokens.create_token(f"cli-{tag}", models.Role.EDITOR)
    done = await graph_token(database, "revoke", f"cli-{tag}")
    assert done.code == 0, done.stderr
    assert f"cli-{tag}" in done.stdout
    assert await tokens.authenticate(token) is None


async def test_cli_revoke_of_an_unknown_name_fails_with_one_line(database: str, tag: str) -> None:
    done = await graph_token(database, "revoke", f"ingen-{tag}")
    assert done.code != 0
    (line,) = done.stderr.strip().splitlines()
    assert f"ingen-{tag}" in line
    assert "Traceback" not in done.stderr


async def test_cli_create_with_a_name_in_use_fails_with_one_line(database: str, tag: str) -> None:
    first = await tokens.create_token(f"cli-{tag}", models.Role.EDITOR)
    done = await graph_token(database, "create", "--name", f"cli-{tag}", "--role", "admin")
    assert (done.code != 0, done.stdout) == (True, "")
    (line,) = done.stderr.strip().splitlines()
    assert f"cli-{tag}" in line
    viewer = await tokens.authenticate(first)
    assert viewer is not None and (viewer.name, viewer.role) == (f"cli-{tag}", models.Role.EDITOR)

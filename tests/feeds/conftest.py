"""Fixtures: an app of its own per test (its cache starts empty), and an editor's desk."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.cached import Cached, cached_app
from fixtures.editing import Desk


@pytest.fixture
async def cached(database: str) -> AsyncIterator[Cached]:
    async for app in cached_app(database):
        yield app


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk

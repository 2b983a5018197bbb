"""Fixtures the job tests share: an editor's desk and settings with the job engine set up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk
from fixtures.jobs import job_settings

from graph.settings import Settings


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


@pytest.fixture
def settings_for_jobs(database: str) -> Iterator[Settings]:
    with job_settings(database) as settings:
        yield settings

"""Fixtures: a server with the demo relay and an empty one, each started once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from client.servers import Server, running_server


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose database holds the demo relay (loaded by `graph serve`)."""
    with running_server(tmp_path_factory.mktemp("demo-server"), demo=True) as server:
        yield server


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose database is migrated and empty."""
    with running_server(tmp_path_factory.mktemp("empty-server"), demo=False) as server:
        yield server

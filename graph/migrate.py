"""Bring a database up to date: the content tables, then the job engine's tables."""

from __future__ import annotations

from collections.abc import Callable

from graph import db
from graph.jobs import engine


async def migrate(
    database_url: str, progress: Callable[[str, str, str], object] | None = None
) -> None:
    """Apply every pending migration and create the job tables a fresh database lacks."""
    await db.migrate_content(database_url, progress)
    await engine.install_schema(database_url)

"""Placeholder until this feature lands: content events are ignored."""

from __future__ import annotations

from graph.events import Event


async def on_event(event: Event) -> None:
    """Nothing yet."""

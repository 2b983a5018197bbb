"""Events reach the handlers a process subscribed at start-up, and only those."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph import events, subscribers
from graph.events import Event, EventType

EVENT = Event(EventType.RELAY_CREATED, "Relay", 1, "demo")


@pytest.fixture
def no_handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty registry for this test; the process's own comes back afterwards."""
    monkeypatch.setattr(events, "_handlers", [])
    monkeypatch.setattr(events, "_post_write_handlers", [])
    yield


async def test_an_event_no_process_subscribed_to_fails_loudly(no_handlers: None) -> None:
    with pytest.raises(events.NobodyListens):
        await events.emit(EVENT)


async def test_subscribed_handlers_run_in_order_once_each(no_handlers: None) -> None:
    seen: list[str] = []

    async def first(event: Event) -> None:
        seen.append(f"first {event.slug}")

    async def second(event: Event) -> None:
        seen.append(f"second {event.slug}")

    for handler in (first, second, first):
        events.subscribe(handler)
    await events.emit(EVENT)
    assert seen == ["first demo", "second demo"]


def test_register_all_subscribes_each_service_once(no_handlers: None) -> None:
    subscribers.register_all()
    subscribers.register_all()  # the app and the CLI may both start in one process
    names = [f"{handler.__module__}.{handler.__name__}" for handler in events._handlers]
    assert names == [
        "graph.publishing.on_event",
        "graph.webhooks.service.on_event",
        "graph.newsletter.service.on_event",
        "graph.baton.service.on_event",
    ]
    assert events._post_write_handlers == [subscribers.publishing.on_post_write]

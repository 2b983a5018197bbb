"""`Relay.baton` and `Post.pending`: answered by the modules above graph.api.types that own them.

Baton and PendingVersion have fields of the core types (their relay, author, post, category,
bylines), so their modules import graph.api.types; types.py names them with strawberry.lazy
and asks here for their answers, which graph.api.baton and graph.api.previews attach when they
load. Building the schema loads both (resolving the lazy references imports them), so a
schema that has the fields has their answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.request.context import Info

if TYPE_CHECKING:
    from graph.api.baton import Baton
    from graph.api.previews import PendingVersion

LazyBaton = Annotated["Baton", strawberry.lazy("graph.api.baton")]
LazyPendingVersion = Annotated["PendingVersion", strawberry.lazy("graph.api.previews")]
BatonAnswer = Callable[[Info, int], Awaitable[LazyBaton | None]]
PendingAnswer = Callable[[Info, int], Awaitable[LazyPendingVersion | None]]


class NotAttached(RuntimeError):
    """A field was resolved before the module that answers it was loaded."""


@dataclass
class _Answers:
    baton: BatonAnswer | None = None
    pending: PendingAnswer | None = None


_answers = _Answers()


def attach_baton(answer: BatonAnswer) -> None:
    """Answer `Relay.baton` with `answer` from now on."""
    _answers.baton = answer


def attach_pending(answer: PendingAnswer) -> None:
    """Answer `Post.pending` with `answer` from now on."""
    _answers.pending = answer


async def current_baton(info: Info, relay_pk: int) -> LazyBaton | None:
    """A relay's current baton for `Relay.baton`; None for anonymous callers."""
    if _answers.baton is None:
        raise NotAttached("Relay.baton: graph.api.baton is not loaded")
    return await _answers.baton(info, relay_pk)


async def pending_version(info: Info, post_pk: int) -> LazyPendingVersion | None:
    """`Post.pending`: the staged edit, for callers with a token."""
    if _answers.pending is None:
        raise NotAttached("Post.pending: graph.api.previews is not loaded")
    return await _answers.pending(info, post_pk)

"""The per-request context every resolver sees, and the `Info` alias over it."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from graph.api.loaders import Loaders
from graph.read.access import ANONYMOUS, Access


@dataclass
class Context:
    """Who is asking and the request's loaders."""

    request: Request | WebSocket | None = None
    response: Response | None = None
    access: Access = ANONYMOUS
    loaders: Loaders = field(default_factory=lambda: Loaders(ANONYMOUS))


Info = strawberry.Info[Context, None]


def make_context(
    request: Request | WebSocket | None = None, response: Response | None = None
) -> Context:
    """A fresh context (and so fresh loaders) for one request."""
    access = ANONYMOUS  # tokens arrive with the editors issue
    return Context(request=request, response=response, access=access, loaders=Loaders(access))

"""The per-request context every resolver sees, and the `Info` alias over it."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import HTTPConnection
from starlette.responses import Response

from graph.read.access import ANONYMOUS, EDITOR, Access
from graph.request.loaders import Loaders
from graph.settings import Settings
from graph.tokens import Viewer, authenticate


@dataclass
class Context:
    """Who is asking, the settings the app was made with, and the request's loaders."""

    settings: Settings
    request: HTTPConnection | None = None
    response: Response | None = None
    # None for anonymous callers and for a bad or revoked token alike; `presented_token`
    # tells the two apart for error messages.
    viewer: Viewer | None = None
    presented_token: bool = False
    access: Access = ANONYMOUS
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.access, self.settings.max_page_size)


Info = strawberry.Info[Context, None]

# Where the budget middleware leaves the caller it authenticated, so it is looked up once.
VIEWER_KEY = "graph.viewer"


def bearer_token_of(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, if it holds one."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def bearer_token(request: HTTPConnection | None) -> str | None:
    """The token of the request's `Authorization: Bearer <token>` header, if there is one."""
    if request is None:
        return None
    return bearer_token_of(request.headers.get("authorization", ""))


async def _viewer(request: HTTPConnection | None, token: str | None) -> Viewer | None:
    if token is None:
        return None
    if request is not None and VIEWER_KEY in request.scope:
        viewer: Viewer | None = request.scope[VIEWER_KEY]
        return viewer
    return await authenticate(token)


async def make_context(
    settings: Settings, request: HTTPConnection | None = None, response: Response | None = None
) -> Context:
    """A fresh context (and so fresh loaders) for one request, with its caller resolved."""
    token = bearer_token(request)
    viewer = await _viewer(request, token)
    # Any valid token may read drafts: both roles are editorial.
    access = ANONYMOUS if viewer is None else EDITOR
    return Context(
        settings=settings,
        request=request,
        response=response,
        viewer=viewer,
        presented_token=token is not None,
        access=access,
    )

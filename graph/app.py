"""The ASGI app: /graphql, /healthz, Tortoise registered for the app's lifetime."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise

from graph import db, logs
from graph.api import newsletter_http
from graph.api.context import Context, make_context
from graph.api.schema import build_schema
from graph.jobs import engine
from graph.jobs.worker import requeue_due_work, worker_running
from graph.limits import BodySizeLimitMiddleware
from graph.logs import RequestIdMiddleware
from graph.settings import Settings, get_settings

log = logging.getLogger(__name__)


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-request context and orjson encoding."""

    def encode_json(self, data: object) -> bytes:
        # orjson is several times faster than json.dumps on large nested responses and
        # writes UTF-8 directly (æ/ø/å unescaped).
        return orjson.dumps(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        http_response = response if isinstance(response, Response) else None
        context = await make_context(request, http_response)
        if http_response is not None:
            # A response depends on who asks: shared caches (CDNs, proxies) must key on the
            # token, and must never keep an answer given to one.
            http_response.headers["Vary"] = "Authorization"
            if context.presented_token:
                http_response.headers["Cache-Control"] = "private, no-store"
        return context


async def healthz(request: Request) -> Response:
    """200 when the database answers within the timeout, 503 when it does not."""
    timeout = request.app.state.settings.health_timeout_s
    try:
        await asyncio.wait_for(db.connection().execute_query("SELECT 1"), timeout)
    except Exception:
        # Logged, not shown: the body must not leak connection strings or driver errors.
        log.exception("health check: database unreachable")
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})


@asynccontextmanager
async def jobs_in_process(settings: Settings) -> AsyncIterator[None]:
    """Run a job worker inside this process: always on SQLite, on PostgreSQL if asked."""
    runs_jobs = settings.serve_runs_jobs
    if runs_jobs is None:
        runs_jobs = engine.embedded()
    if not runs_jobs:
        yield
        return
    if engine.embedded():
        # Jobs in memory did not survive the last stop; the tables say what is still due.
        await requeue_due_work()
    async with worker_running(settings):
        yield


def create_app(settings: Settings | None = None) -> Starlette:
    """The Starlette app for one database URL (migrations are applied before, by the CLI)."""
    settings = settings or get_settings()
    # Each uvicorn worker is its own process and calls this factory: configure its logging.
    logs.configure(settings.log_level)
    graphql = GraphQLApp(build_schema(settings))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url)):
            engine.configure(settings)
            async with engine.app.open_async(), jobs_in_process(settings):
                yield

    routes: list[Any] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz, methods=["GET"]),
        *newsletter_http.routes,
    ]
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.settings = settings
    return app

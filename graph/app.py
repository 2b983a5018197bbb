"""The ASGI app: /graphql (GraphiQL for browsers), /healthz, Tortoise for the app's lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.base import BaseSchema
from tortoise.contrib.starlette import RegisterTortoise

from graph import db, logs, reconnect, subscribers
from graph.api import newsletter_http
from graph.budget import answers
from graph.budget import middleware as budgets
from graph.budget.extension import PriceCache, SocketBudgets
from graph.budget.spend import Buckets, Budget, MemoryBuckets, RedisBuckets
from graph.cache import invalidation
from graph.cache.middleware import CachedGraphQL
from graph.cache.persisted import OPERATIONS_DIR, PersistedQueries, named_operations
from graph.cache.store import ResponseCache
from graph.feeds import routes as feeds
from graph.graphiql.assets import MOUNT as GRAPHIQL_MOUNT
from graph.graphiql.assets import GraphiQLFiles
from graph.graphiql.page import graphiql_response
from graph.jobs import engine
from graph.jobs.maintenance import requeue_due_work
from graph.jobs.worker import worker_running
from graph.limits import BodySizeLimitMiddleware
from graph.logs import RequestIdMiddleware
from graph.metrics import metrics
from graph.planning.answering import PlanCache
from graph.planning.lane import FastLane
from graph.proxies import ForwardedFor
from graph.request.context import Context, make_context
from graph.schema import build_schema, document_check, document_parser, operation_limits
from graph.settings import Settings, get_settings
from graph.websocket import TransportWSHandler, WebSocketAdapter

log = logging.getLogger(__name__)

# How long start-up waits for the cache's invalidation feed, in tenths of a second.
FEED_WAIT_STEPS = 50


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-request context, orjson, and JSON refusals."""

    websocket_adapter_class = WebSocketAdapter
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self, schema: BaseSchema, settings: Settings, lane: FastLane | None = None
    ) -> None:
        super().__init__(schema)
        self.settings = settings  # every request's context carries them
        # The HTTP body cap applies to each WebSocket message too.
        self.max_message_bytes = settings.max_request_bytes
        self.max_answer_bytes = settings.max_answer_bytes
        self.lane = lane

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            if self.lane is not None:
                handed_on = await self.lane.answer(
                    self.schema._schema,  # type: ignore[attr-defined]
                    self.get_context,
                    scope,
                    receive,
                    send,
                )
                if handed_on is None:
                    return
                receive = handed_on
            response = await self.run(Request(scope, receive))
        except HTTPException as error:
            # Strawberry answers a malformed request in plain text; GraphQL-over-HTTP
            # clients expect the errors document.
            body = {"errors": [{"message": error.reason}]}
            response = JSONResponse(body, status_code=error.status_code)
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Strawberry's page loads GraphiQL from a CDN and is blank offline; ours loads the
        # copies this package serves under /graphiql/.
        return graphiql_response()

    def encode_json(self, data: object) -> bytes:
        # orjson is several times faster than json.dumps on large nested responses and
        # writes UTF-8 directly (æ/ø/å unescaped).
        return answers.within(orjson.dumps(data), self.max_answer_bytes)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        # orjson also refuses JSON's lone-surrogate escapes ("\ud800"), which are valid
        # JSON; they must reach graph/api/surrogates.py, which answers them with a typed error.
        try:
            return json.loads(data)
        except (UnicodeDecodeError, RecursionError) as error:
            # Invalid UTF-8 and very deep nesting: not a JSON text we can read (a 400).
            raise json.JSONDecodeError(str(error), "", 0) from error

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        try:
            return await super().parse_http_body(request)
        except AttributeError as error:
            # Strawberry calls `.get` on whatever JSON value the body holds ("x", null, 1).
            raise HTTPException(400, "The request body must be a JSON object.") from error

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        http_response = response if isinstance(response, Response) else None
        try:
            context = await make_context(self.settings, request, http_response)
        except Exception as error:
            # The token lookup could not reach the database even on a fresh connection: say
            # so with a 503 the client can retry on, not a 500 that looks like our bug.
            if not reconnect.database_unreachable(error):
                raise
            log.warning("request refused: the database is unreachable (%s)", error)
            raise HTTPException(503, "The database is unreachable; try again shortly.") from error
        if http_response is not None:
            # A response depends on who asks: shared caches (CDNs, proxies) must key on the
            # token, and must never keep an answer given to one.
            http_response.headers["Vary"] = "Authorization"
            if context.presented_token:
                http_response.headers["Cache-Control"] = "private, no-store"
        return context


async def healthz(request: Request) -> Response:
    """200 when the database answers within the timeout, 503 when it does not.

    A pooled connection that died while idle is no outage: the check runs once more on a
    fresh connection (counted as a reconnect) before it answers 503.
    """
    timeout = request.app.state.settings.health_timeout_s

    async def select_1() -> object:
        return await db.connection().execute_query("SELECT 1")

    try:
        await asyncio.wait_for(reconnect.once_more(select_1, "health check"), timeout)
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


def app_from_environment() -> Starlette:
    """The app with settings read from the environment: uvicorn's factory in each worker
    process (`graph serve`, or `uvicorn --factory graph.app:app_from_environment`)."""
    return create_app(get_settings())


def create_app(settings: Settings) -> Starlette:
    """The Starlette app for these settings (migrations are applied before, by the CLI)."""
    # Each uvicorn worker is its own process and calls this factory: configure its logging.
    logs.configure(settings.log_level)
    subscribers.register_all()
    budget = client_budget(settings)
    sockets = None if budget is None else SocketBudgets(budget)
    lane = FastLane(PlanCache(), PriceCache(), operation_limits(settings), settings.fast_lane)
    schema = build_schema(settings, sockets, lane)
    graphql = GraphQLApp(schema, settings, lane)

    cache = response_cache(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url)):
            # Open this worker's connection pool now, not on its first request: under load
            # that first request waits for the pool with dozens of others, and if PostgreSQL
            # is too busy to connect within Tortoise's 30 s the pool is left closed and the
            # worker answers every later request with an error.
            await db.connection().execute_query("SELECT 1")
            engine.configure(settings)
            async with (
                engine.app.open_async(),
                jobs_in_process(settings),
                invalidation_feed(settings, cache),
            ):
                # What start-up built lives as long as the process: out of the collector's
                # sight, a full collection (which a request's cyclic garbage, such as a
                # parsed document's token chain, sets off every few large requests) walks
                # only what requests made: ~10-20 ms instead of ~90 ms on a busy 2-core box.
                gc.freeze()
                try:
                    yield
                finally:
                    if budget is not None:
                        await budget.buckets.close()

    routes: list[Any] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Mount(GRAPHIQL_MOUNT, app=GraphiQLFiles(), name="graphiql"),
        *newsletter_http.routes,
        *feeds.routes,
    ]
    middleware = [
        # First: who the caller is is decided once, before anything reads `scope["client"]`.
        *forwarded_for(settings),
        Middleware(RequestIdMiddleware),
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes),
        # Outside the response cache, so a cached answer is charged too.
        *([] if budget is None else [Middleware(budgets.Budgets, budget=budget)]),
        Middleware(
            CachedGraphQL,
            settings=settings,
            cache=cache,
            persisted=PersistedQueries(named_operations([OPERATIONS_DIR])),
            valid_document=document_check(schema, settings),
            parse_document=document_parser(settings),
        ),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.settings = settings
    app.state.cache = cache
    return app


def forwarded_for(settings: Settings) -> list[Middleware]:
    """With TRUST_FORWARDED_FOR, the address trusted proxies forward is the caller's."""
    if not settings.trust_forwarded_for:
        return []
    return [Middleware(ForwardedFor, trusted=settings.trusted_proxies)]


def client_budget(settings: Settings) -> Budget | None:
    """Each client's budget of cost units, or None when budgets are off."""
    limit = settings.budget_per_window
    if not limit:
        return None
    buckets: Buckets = RedisBuckets(settings.redis_url) if settings.redis_url else MemoryBuckets()
    return Budget(buckets, limit, settings.rate_limit_window_s)


def response_cache(settings: Settings) -> ResponseCache | None:
    """This process's cache, or None when it is off or could go stale unseen."""
    if not settings.response_cache:
        return None
    if settings.database_url.startswith("sqlite") and settings.workers > 1:
        # Several processes on one SQLite file have no invalidation feed between them.
        log.warning("response cache off: SQLite with %s workers", settings.workers)
        return None
    cache = ResponseCache(settings.cache_max_entries, settings.cache_max_bytes)
    invalidation.local.add(cache)
    return cache


@asynccontextmanager
async def invalidation_feed(settings: Settings, cache: ResponseCache | None) -> AsyncIterator[None]:
    """On PostgreSQL, listen for every process's invalidations while serving."""
    if cache is None or settings.database_url.startswith("sqlite"):
        yield
        return
    cache.enabled = False  # until the feed is connected
    listener = asyncio.create_task(invalidation.listen(settings.database_url, cache))
    # Serve once the feed is up (it takes milliseconds), so the first answers are cached too;
    # if the database is slow to answer, start anyway and cache once it is.
    for _ in range(FEED_WAIT_STEPS):
        if cache.enabled:
            break
        await asyncio.sleep(0.1)
    try:
        yield
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener

"""The fast lane: a query already parsed, validated, priced and planned, answered at the edge.

The first request with a document goes the whole way through Strawberry: parsing, validation
and the limits, the price check, the planner. Once its plan has answered, the document is
*known*; later requests with the same text and operation name skip Strawberry's per-request
machinery (its request adapters, extension hooks and result processing, ~1 ms a request) and
run here: the caller is resolved as always, the variables are coerced against the operation,
the price is the one the price check worked out for these variable values and is checked
against the limit and the caller's budget, and the plan runs. Whatever this lane does not
know for certain (a new variable value not yet priced, an over-budget caller, a plan that
would answer with an error) goes the whole way, unchanged, and is the reference: the answer's
bytes and headers are the same either way (tests/planning/test_lane.py compares them).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_variable_values
from starlette.requests import Request as HTTPRequest
from starlette.responses import Response

from graph.budget import answers
from graph.budget.cost import Price
from graph.budget.extension import Limits, PriceCache
from graph.budget.spend import spend_of
from graph.cache import tags
from graph.cache.requests import GraphQLRequest, from_json, from_query_string, read_body, replay
from graph.planning.answering import Fallback, PlanCache, counters, run_plan
from graph.planning.nodes import Plan, Request
from graph.request.context import Context

log = logging.getLogger(__name__)

KNOWN_DOCUMENTS = 256

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
MakeContext = Callable[[HTTPRequest, Response], Awaitable[Context]]


@dataclass(frozen=True)
class Known:
    """A document whose plan has answered: the operation to coerce variables against, and
    its name (the plan and price caches' key, even when the request names none)."""

    operation: OperationDefinitionNode
    name: str | None


@dataclass
class FastLane:
    """Known documents, and how to answer a request for one without Strawberry."""

    plans: PlanCache
    prices: PriceCache
    limits: Limits  # what an operation may cost (the price check's)
    enabled: bool = True
    known: OrderedDict[tuple[str, str | None], Known] = field(default_factory=OrderedDict)

    def remember(
        self, query: str, name: str | None, operation: OperationDefinitionNode, only: bool
    ) -> None:
        """Called by the planner once this document's plan has answered. `only`: the
        document has no other operation, so a request may leave out its name."""
        known = Known(operation, name)
        for key in [(query, name), *([(query, None)] if only else [])]:
            if key in self.known:
                self.known.move_to_end(key)
                continue
            self.known[key] = known
            if len(self.known) > KNOWN_DOCUMENTS:
                self.known.popitem(last=False)

    async def answer(
        self,
        schema: GraphQLSchema,
        make_context: MakeContext,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> Receive | None:
        """Answer the request and return None; or, to let Strawberry answer it, return the
        `receive` to hand on (the body, if this lane read it, replayed)."""
        if not self.enabled or not self.known:
            return receive
        body = b""
        if scope["method"] == "GET":
            request = from_query_string(scope["query_string"])
        elif scope["method"] == "POST" and _is_json(scope):
            body = await read_body(receive)
            receive = replayed(body)
            request = from_json(body)
        else:
            return receive
        # None too for a lone surrogate anywhere (orjson refuses the escape): the whole way
        # answers it, with graph/api/surrogates.py's error.
        if request is None or request.query is None or not _plain(request):
            return receive
        known = self.known.get((request.query, request.operation_name))
        if known is None:
            return receive
        sub_response = Response()
        sub_response.status_code = None  # type: ignore[assignment]
        del sub_response.headers["content-length"]
        context = await make_context(HTTPRequest(scope, replayed(body)), sub_response)
        data, cost = await self._run(schema, known, request, context, scope)
        if data is None:
            return replayed(body)
        cost_extension = {"cost": {"requested": cost, "limit": self.limits.cost}}
        encoded = orjson.dumps({"data": data, "extensions": cost_extension})
        answer = answers.within(encoded, self.limits.answer_bytes)
        response = Response(answer, media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        await response(scope, receive, send)
        counters.planned += 1
        counters.fast_lane += 1
        return None

    async def _run(
        self,
        schema: GraphQLSchema,
        known: Known,
        request: GraphQLRequest,
        context: Context,
        scope: Scope,
    ) -> tuple[dict[str, Any] | None, int]:
        """The answer's data and price, or (None, 0) when Strawberry must answer."""
        variables = request.variables if request.variables is not None else {}
        if not isinstance(variables, dict):
            return None, 0
        coerced = get_variable_values(schema, known.operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            return None, 0  # wrong variables: graphql-core says what is wrong
        price = self._price(known, request, variables)
        if price is None or self.limits.refusal(price) is not None:
            return None, 0
        plan = self._plan(known, request, coerced, context.viewer is None)
        if plan is None:
            return None, 0
        spend = spend_of(scope)
        if spend is not None and not await spend.reserve(price.cost):
            return None, 0  # the price check refuses it, and counts the refusal
        run = Request(context.access, coerced, context.settings, posts=plan.posts)
        # Never strict here: whatever fails goes the whole way, where the planner runs again
        # and a strict one answers with the error (or one that is not falls back, counted).
        data = await run_plan(plan, run)
        if isinstance(data, Fallback):
            return None, 0
        tags.add(*run.tags)
        return data, price.cost

    def _price(
        self, known: Known, request: GraphQLRequest, variables: dict[str, Any]
    ) -> Price | None:
        prices = self.prices.get((request.query or "", known.name))
        if prices is None:
            return None
        return prices.costs.get(prices.key(variables))

    def _plan(
        self, known: Known, request: GraphQLRequest, coerced: Any, anonymous: bool
    ) -> Plan | None:
        plans = self.plans.get((request.query or "", known.name))
        if plans is None:
            return None
        return plans.plans.get(plans.key(anonymous, coerced.coerced))


def replayed(body: bytes) -> Receive:
    """A `receive` that hands on the body this lane read."""
    receive: Receive = replay(body)
    return receive


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"json" in value
    return False


def _plain(request: GraphQLRequest) -> bool:
    """No request extensions but a persisted query's hash (checked by the cache middleware)."""
    extensions = request.extensions
    return not extensions or (
        isinstance(extensions, dict) and set(extensions) == {"persistedQuery"}
    )

"""The hook into Strawberry: price each operation before it runs, refuse what costs too much.

Runs after validation and before either executor, so a refused operation runs no SQL. Every
answer to a valid operation carries `extensions.cost = {"requested": N, "limit": L}`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError, GraphQLSchema
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from graph.api.context import Context
from graph.api.variables import operation_and_variables
from graph.budget.cost import Bounds, operation_cost, priced_variables
from graph.budget.spend import Budget, Spend, client_key, counters

log = logging.getLogger(__name__)

PRICE_CACHE_SIZE = 1024
TOO_COSTLY = "QUERY_TOO_COSTLY"
RATE_LIMITED = "RATE_LIMITED"


PriceKey = tuple[str, str | None, bytes]


@dataclass
class DocumentPrices:
    """The costs of one operation, by the values of the variables its cost depends on."""

    variables: tuple[str, ...]
    costs: dict[bytes, int] = field(default_factory=dict)

    def key(self, given: dict[str, Any]) -> bytes:
        """The `costs` key of a request's variables: the values of those the cost reads."""
        return variables_key({name: given.get(name) for name in self.variables})


class PriceCache:
    """Costs by document text and operation name, least recently used out first."""

    def __init__(self, size: int = PRICE_CACHE_SIZE) -> None:
        self.size = size
        self.documents: OrderedDict[tuple[str, str | None], DocumentPrices] = OrderedDict()

    def get(self, key: tuple[str, str | None]) -> DocumentPrices | None:
        found = self.documents.get(key)
        if found is not None:
            self.documents.move_to_end(key)
        return found

    def put(self, key: tuple[str, str | None], prices: DocumentPrices) -> None:
        self.documents[key] = prices
        if len(self.documents) > self.size:
            self.documents.popitem(last=False)


class QueryCost(SchemaExtension):
    """Prices the operation; refuses it over the limit or over the caller's budget."""

    def __init__(
        self, prices: PriceCache, bounds: Bounds, limit: int, sockets: SocketBudgets | None = None
    ) -> None:
        self.prices = prices
        self.bounds = bounds
        self.limit = limit
        self.sockets = sockets
        self.cost: int | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        self.cost = await self._price()
        if self.cost is not None:
            context = self.execution_context.context
            if self.sockets is not None and _over_websocket(context):
                # No HTTP middleware sees a WebSocket's operations: open and charge here.
                await self.sockets.judged(context, lambda spend: self._judge(self.cost, spend))
            else:
                self._judge(self.cost, _spend(context))
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.limit}}

    def _judge(self, cost: int | None, spend: Spend | None) -> None:
        assert cost is not None
        if cost > self.limit:
            self._refuse(
                f"This query could return up to {cost} objects; the limit is {self.limit}. "
                "Ask for smaller pages (`first`) or fewer nested lists.",
                TOO_COSTLY,
            )
        elif spend is not None and not spend.affords(cost):
            spend.refused = True
            self._refuse(
                f"This query costs {cost}; {spend.remaining} of this client's budget is left "
                f"until the window resets in {spend.retry_after} s.",
                RATE_LIMITED,
            )
        elif spend is not None:
            spend.cost = cost

    def _refuse(self, message: str, code: str) -> None:
        extensions = {"code": code, "cost": self.cost, "limit": self.limit}
        error = GraphQLError(message, extensions=extensions)
        self.execution_context.result = ExecutionResult(data=None, errors=[error])

    async def _price(self) -> int | None:
        """The operation's cost, or None when graphql-core will refuse it (bad variables)."""
        execution = self.execution_context
        document, query = execution.graphql_document, execution.query
        if document is None or query is None:
            return None
        key = (query, execution.operation_name)
        prices = self.prices.get(key)
        if prices is None:
            prices = DocumentPrices(priced_variables(document))
            self.prices.put(key, prices)
        values = prices.key(execution.variables or {})
        if values in prices.costs:
            return prices.costs[values]
        found = operation_and_variables(execution)
        if found is None:
            return None  # graphql-core reports what is wrong
        operation, variables = found
        schema: GraphQLSchema = execution.schema._schema
        # Pricing walks the document once per selection: a fraction of a millisecond for the
        # named operations, ~20 ms for GraphiQL's introspection query; off the event loop.
        cost = await asyncio.to_thread(
            operation_cost, schema, document, operation, variables, self.bounds
        )
        prices.costs[values] = cost
        return cost


def variables_key(variables: dict[str, Any]) -> bytes:
    """A fixed-size key for the variables: huge variables must not make huge cache keys."""
    if not variables:
        return b""
    try:
        raw = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # nested too deeply for orjson, or not JSON at all
        raw = repr(variables).encode()
    return hashlib.blake2b(raw, digest_size=20).digest()


def _spend(context: Any) -> Spend | None:
    """The caller's budget for this request, when budgets are on and this is HTTP."""
    if not isinstance(context, Context) or context.request is None:
        return None
    spend = context.request.scope.get(Spend.SCOPE_KEY)
    return spend if isinstance(spend, Spend) else None


def _over_websocket(context: Any) -> bool:
    return isinstance(context, Context) and isinstance(context.request, WebSocket)


@dataclass(frozen=True)
class SocketBudgets:
    """Budgets for operations sent over a WebSocket, each charged like an HTTP request."""

    budget: Budget

    async def judged(self, context: Context, judge: Callable[[Spend | None], None]) -> None:
        """Open the caller's budget, let `judge` refuse or price the operation, charge it."""
        assert context.request is not None
        client = client_key(context.request.scope, context.viewer)
        try:
            spend = await self.budget.open(client)
        except Exception:
            counters.unavailable += 1
            log.warning("budgets unavailable; serving unmetered", exc_info=True)
            judge(None)
            return
        judge(spend)
        if spend.refused:
            counters.refused += 1
        try:
            await self.budget.charge(client, spend)
        except Exception:
            counters.unavailable += 1
            log.warning("budgets unavailable; answer not charged", exc_info=True)

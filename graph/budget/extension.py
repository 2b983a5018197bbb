"""The hook into Strawberry: price each operation before it runs, refuse what costs too much.

Runs after validation and before either executor, so a refused operation runs no SQL and
builds no answer: over MAX_QUERY_COST (`QUERY_TOO_COSTLY`), an answer that could pass
MAX_ANSWER_BYTES (`ANSWER_TOO_LARGE`), or more than the caller's budget has left
(`RATE_LIMITED`; the price is reserved before the operation runs). Every answer to a valid
operation carries `extensions.cost = {"requested": N, "limit": L}`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError, GraphQLSchema
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from graph.budget.answers import TOO_LARGE
from graph.budget.cost import Price, operation_price, priced_variables
from graph.budget.sizes import Bounds
from graph.budget.spend import (
    RATE_LIMITED,
    Budget,
    Spend,
    client_key,
    counters,
    refusal,
    spend_of,
)
from graph.request.context import Context
from graph.request.variables import operation_and_variables

log = logging.getLogger(__name__)

PRICE_CACHE_SIZE = 1024
TOO_COSTLY = "QUERY_TOO_COSTLY"


PriceKey = tuple[str, str | None, bytes]


@dataclass
class DocumentPrices:
    """The costs of one operation, by the values of the variables its cost depends on."""

    variables: tuple[str, ...]
    costs: dict[bytes, Price] = field(default_factory=dict)

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


@dataclass(frozen=True)
class Limits:
    """What any one operation may cost: MAX_QUERY_COST, and its answer's MAX_ANSWER_BYTES."""

    cost: int
    answer_bytes: int

    def refusal(self, price: Price) -> tuple[str, str, dict[str, int]] | None:
        """Why an operation of this price is refused (message, code, extensions), or None."""
        if price.cost > self.cost:
            message = (
                f"This query could cost {price.cost} ({price.objects} objects, "
                f"{price.bytes} bytes of answer); the limit is {self.cost}. Ask for smaller "
                "pages (`first`), fewer nested lists or fewer long text fields."
            )
            return message, TOO_COSTLY, {"cost": price.cost, "limit": self.cost}
        if price.bytes > self.answer_bytes:
            message = (
                f"This query's answer could take up to {price.bytes} bytes; the limit is "
                f"{self.answer_bytes}. Ask for smaller pages (`first`) or fewer long fields "
                "(`body`, `html`)."
            )
            return message, TOO_LARGE, {"bytes": price.bytes, "limit": self.answer_bytes}
        return None


class QueryCost(SchemaExtension):
    """Prices the operation; refuses it over the limits or over the caller's budget."""

    def __init__(
        self,
        prices: PriceCache,
        bounds: Bounds,
        limits: Limits,
        sockets: SocketBudgets | None = None,
    ) -> None:
        self.prices = prices
        self.bounds = bounds
        self.limits = limits
        self.sockets = sockets
        self.cost: int | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        price = await self._price()
        if price is not None:
            self.cost = price.cost
            await self._judge(price)
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.limits.cost}}

    async def _judge(self, price: Price) -> None:
        refused = self.limits.refusal(price)
        if refused is not None:
            self._refuse(*refused)
            return
        context = self.execution_context.context
        if self.sockets is not None and _over_websocket(context):
            # No HTTP middleware sees a WebSocket's operations: each opens its own hold.
            spend = await self.sockets.open(context)
        else:
            spend = _spend(context)
        if spend is not None and (spend.refused or not await spend.reserve(price.cost)):
            spend.refused = True
            if _over_websocket(context):
                counters.refused += 1  # HTTP's middleware counts its own as it answers
            message = refusal(spend, price.cost, "query")
            self._refuse(message, RATE_LIMITED, {"cost": price.cost})

    def _refuse(self, message: str, code: str, extensions: dict[str, int]) -> None:
        error = GraphQLError(message, extensions={"code": code, **extensions})
        self.execution_context.result = ExecutionResult(data=None, errors=[error])

    async def _price(self) -> Price | None:
        """The operation's price, or None when graphql-core will refuse it (bad variables)."""
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
        price = await asyncio.to_thread(
            operation_price, schema, document, operation, variables, self.bounds
        )
        prices.costs[values] = price
        return price


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
    """The caller's hold on its budget for this request, when budgets are on and this is
    HTTP."""
    if not isinstance(context, Context) or context.request is None:
        return None
    return spend_of(context.request.scope)


def _over_websocket(context: Any) -> bool:
    return isinstance(context, Context) and isinstance(context.request, WebSocket)


@dataclass(frozen=True)
class SocketBudgets:
    """Budgets for operations sent over a WebSocket, each charged like an HTTP request."""

    budget: Budget

    async def open(self, context: Context) -> Spend | None:
        """A hold on the caller's budget for one operation (1 reserved), or None when the
        budget store cannot be reached (served unmetered, and counted)."""
        assert context.request is not None
        client = client_key(context.request.scope, context.viewer)
        try:
            return await self.budget.open(client)
        except Exception:
            counters.unavailable += 1
            log.warning("budgets unavailable; serving unmetered", exc_info=True)
            return None

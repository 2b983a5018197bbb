"""The hook into Strawberry: answer a query from its plan, or let standard execution run it.

Parsing, validation, the limits and error masking stay Strawberry's. Just before graphql-core
would execute, the extension looks up (or builds) the operation's plan and runs it; the result
it sets is what Strawberry then sends. An operation without a plan (introspection, mutations,
a field the planner does not cover), or one that would answer with an error (a bad cursor, a
page size out of range), is left to graphql-core, whose answer is the reference for both.
Each of those answers is counted with its `Fallback` reason, so a planner that stopped
covering something shows on `/metrics` (and fails the planned-share tests) instead of passing
unseen. An unexpected exception falls back too (logged), unless PLANNER_STRICT says to raise it.
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)
from strawberry.extensions import SchemaExtension

from graph.api.context import Context
from graph.api.errors import ClientError
from graph.api.variables import operation_and_variables
from graph.cache import tags
from graph.planning.build import build, directive_variables
from graph.planning.nodes import NotPlannable, Plan, Request
from graph.planning.run import MissingRow, run

if TYPE_CHECKING:
    from graph.planning.lane import FastLane

log = logging.getLogger(__name__)

PLAN_CACHE_SIZE = 256


class Fallback(StrEnum):
    """Why standard execution answered an operation: the `reason` label on `/metrics`."""

    DISABLED = "disabled"  # PLANNED_EXECUTION=false
    NOT_QUERY = "not_query"  # a mutation or a subscription
    NOT_PLANNABLE = "not_plannable"  # introspection, or a field the planner does not cover
    CLIENT_ERROR = "client_error"  # the answer is an error: graphql-core's is the reference
    MISSING_ROW = "missing_row"  # a non-null relation found no row (a broken foreign key)
    FAILED = "failed"  # the planner raised unexpectedly (a bug, or the database went away)


@dataclass
class PathCounters:
    """How many operations each executor answered, for `/metrics`; standard ones by reason."""

    planned: int = 0
    standard: Counter[Fallback] = field(default_factory=Counter)
    compiled: int = 0  # of the planned: answered by one compiled statement (PostgreSQL)
    fast_lane: int = 0  # of the planned: answered in the fast lane (graph.planning.lane)


counters = PathCounters()


@dataclass
class DocumentPlans:
    """The plans of one operation: one per caller kind and value of its directive variables."""

    directive_variables: tuple[str, ...]
    plans: dict[tuple[Any, ...], Plan | None] = field(default_factory=dict)

    def key(self, anonymous: bool, coerced: Any) -> tuple[Any, ...]:
        """The `plans` key of a request: its caller kind and directive variables' values
        (`coerced`, graphql-core's coerced variables)."""
        return (anonymous, *(coerced.get(name) for name in self.directive_variables))


class PlanCache:
    """Plans by document text and operation name, least recently used first out."""

    def __init__(self, size: int = PLAN_CACHE_SIZE) -> None:
        self.size = size
        self.documents: OrderedDict[tuple[str, str | None], DocumentPlans] = OrderedDict()

    def get(self, key: tuple[str, str | None]) -> DocumentPlans | None:
        found = self.documents.get(key)
        if found is not None:
            self.documents.move_to_end(key)
        return found

    def put(self, key: tuple[str, str | None], plans: DocumentPlans) -> None:
        self.documents[key] = plans
        if len(self.documents) > self.size:
            self.documents.popitem(last=False)


async def run_plan(plan: Plan, request: Request, strict: bool = False) -> dict[str, Any] | Fallback:
    """The operation's `data` by its plan, or why graphql-core answers instead: an answer that
    would be an error (graphql-core's is the reference), or a planner failure."""
    try:
        data = await run(plan, request)
    except ClientError:
        return Fallback.CLIENT_ERROR
    except MissingRow:
        return Fallback.MISSING_ROW
    except Exception as error:
        return planner_failed(error, strict)
    counters.compiled += request.compiled
    return data


def planner_failed(error: Exception, strict: bool) -> Fallback:
    """An unexpected exception from building or running a plan: raised again when strict;
    else logged, and the operation falls back to graphql-core."""
    if strict:
        raise error
    log.warning("planned execution failed; running it the standard way", exc_info=error)
    return Fallback.FAILED


class PlannedExecution(SchemaExtension):
    """Runs a query's plan when it has one; counts which executor answered, and why."""

    def __init__(
        self,
        cache: PlanCache,
        enabled: bool = True,
        strict: bool = False,
        lane: FastLane | None = None,
    ) -> None:
        self.cache = cache
        self.enabled = enabled
        # Raise the planner's unexpected exceptions (PLANNER_STRICT, on in tests): a bug then
        # fails a test instead of hiding behind standard execution's right answer.
        self.strict = strict
        self.lane = lane  # told of each document whose plan answered

    async def on_execute(self) -> AsyncIterator[None]:
        if self.execution_context.result is not None:
            yield  # answered already: refused by the cost check before any executor ran
            return
        try:
            answer = await self._planned() if self.enabled else Fallback.DISABLED
        except Exception as error:  # raised only under PLANNER_STRICT
            # An answer of its own, so that it is logged and masked like a field's error (an
            # exception out of an extension would reach the client unmasked).
            failure = GraphQLError(str(error), original_error=error)
            self.execution_context.result = ExecutionResult(data=None, errors=[failure])
            yield
            return
        if isinstance(answer, Fallback):
            counters.standard[answer] += 1
        else:
            counters.planned += 1
            self.execution_context.result = ExecutionResult(data=answer)
        yield

    async def _planned(self) -> dict[str, Any] | Fallback:
        """The operation's `data` by its plan, or why graphql-core answers it instead."""
        execution = self.execution_context
        document, query = execution.graphql_document, execution.query
        context = execution.context
        if document is None or query is None or not isinstance(context, Context):
            return Fallback.NOT_PLANNABLE
        found = operation_and_variables(execution)
        if found is None:
            return Fallback.CLIENT_ERROR  # graphql-core reports what is wrong
        operation, variables = found
        if operation.operation is not OperationType.QUERY:
            return Fallback.NOT_QUERY
        schema: GraphQLSchema = execution.schema._schema
        anonymous = context.viewer is None
        try:
            plan = self._plan(schema, document, operation, query, variables, anonymous)
        except Exception as error:
            return planner_failed(error, self.strict)
        if plan is None:
            return Fallback.NOT_PLANNABLE
        request = Request(context.access, variables, context.settings, posts=plan.posts)
        data = await run_plan(plan, request, self.strict)
        if isinstance(data, Fallback):
            return data
        tags.add(*request.tags)
        if self.lane is not None:
            only = sum(isinstance(node, OperationDefinitionNode) for node in document.definitions)
            self.lane.remember(query, execution.operation_name, operation, only == 1)
        return data

    def _plan(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        query: str,
        variables: Any,
        anonymous: bool,
    ) -> Plan | None:
        operation_name = self.execution_context.operation_name
        plans = self.cache.get((query, operation_name))
        if plans is None:
            plans = DocumentPlans(directive_variables(document))
            self.cache.put((query, operation_name), plans)
        coerced = variables.coerced
        key = plans.key(anonymous, coerced)
        if key not in plans.plans:
            try:
                plans.plans[key] = build(schema, document, operation, variables, anonymous)
            except NotPlannable as missing:
                log.debug("no plan for %s: %s", operation_name or "the operation", missing)
                plans.plans[key] = None
        return plans.plans[key]

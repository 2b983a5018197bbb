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
from collections.abc import AsyncIterator
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)
from strawberry.extensions import SchemaExtension

from graph.cache import tags
from graph.planning.answering import (
    DocumentPlans,
    Fallback,
    PlanCache,
    counters,
    planner_failed,
    run_plan,
)
from graph.planning.build import build, directive_variables
from graph.planning.nodes import NotPlannable, Plan, Request
from graph.request.context import Context
from graph.request.variables import operation_and_variables

log = logging.getLogger(__name__)


class Remember(Protocol):
    """What the extension tells the fast lane (graph.planning.lane, which imports this)."""

    def remember(
        self, query: str, name: str | None, operation: OperationDefinitionNode, only: bool
    ) -> None:
        """Called once a document's plan has answered."""


class PlannedExecution(SchemaExtension):
    """Runs a query's plan when it has one; counts which executor answered, and why."""

    def __init__(
        self,
        cache: PlanCache,
        enabled: bool = True,
        strict: bool = False,
        lane: Remember | None = None,
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

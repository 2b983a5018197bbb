"""Answering by plan, for the extension and the fast lane alike: plan cache, fallbacks, counts."""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph.planning.nodes import Plan, Request
from graph.planning.run import MissingRow, run
from graph.request.errors import ClientError

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

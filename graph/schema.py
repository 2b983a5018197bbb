"""The schema: root types plus the protective extensions, limits read from settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import strawberry
from graphql import DocumentNode
from strawberry.schema.config import StrawberryConfig

from graph.api.admission import Admission, AdmissionChecks
from graph.api.bounds import list_bounds
from graph.api.complexity import Caps
from graph.api.mutations.root import Mutation
from graph.api.query import Query
from graph.api.surrogates import UnpairedSurrogates
from graph.api.types import Author, Organization, Post, Relay
from graph.budget.extension import Limits, PriceCache, QueryCost, SocketBudgets
from graph.planning.answering import PlanCache
from graph.planning.extension import PlannedExecution
from graph.planning.lane import FastLane
from graph.request.errors import MASKED_MESSAGE, MaskedErrors, should_mask
from graph.settings import Settings


@cache
def admission(caps: Caps, max_tokens: int) -> Admission:
    """One Admission (and so one set of parse and verdict caches) per set of limits, shared
    by the schema's extension and the persisted-query registration's `document_check`."""
    return Admission(caps, max_tokens)


def document_check(schema: strawberry.Schema, settings: Settings) -> Callable[[str], bool]:
    """Whether a query text parses within the token limit, passes the complexity caps and
    validates (the same checks, and caches, as a request's)."""
    checks = admission(Caps.of(settings), settings.max_tokens)
    return lambda text: checks.admits(schema._schema, text)


def document_parser(settings: Settings) -> Callable[[str], DocumentNode]:
    """The schema's parser (token limit and cache), for the response cache to share."""
    return admission(Caps.of(settings), settings.max_tokens).parsed


def operation_limits(settings: Settings) -> Limits:
    """What one operation may cost, and its answer's size."""
    return Limits(settings.max_query_cost, settings.max_answer_bytes)


def build_schema(
    settings: Settings,
    sockets: SocketBudgets | None = None,
    lane: FastLane | None = None,
) -> strawberry.Schema:
    """The executable schema with the token limit and complexity caps, error masking and the
    planner.

    With a fast lane, the planner tells it of each document whose plan answered, and the lane
    reads the same plan and price caches."""
    plans = PlanCache() if lane is None else lane.plans
    prices = PriceCache() if lane is None else lane.prices
    bounds = list_bounds(settings)
    checks = admission(Caps.of(settings), settings.max_tokens)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Relay, Post, Author, Organization],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            # Parsing, the caps and validation, cached per document text.
            lambda: AdmissionChecks(checks),
            UnpairedSurrogates,  # after AdmissionChecks, whose validation result it replaces
            lambda: MaskedErrors(should_mask_error=should_mask, error_message=MASKED_MESSAGE),
            # Before the planner: a refused operation runs on neither executor.
            lambda: QueryCost(prices, bounds, operation_limits(settings), sockets),
            lambda: PlannedExecution(
                plans,
                enabled=settings.planned_execution,
                strict=settings.planner_strict,
                lane=lane,
            ),
        ],
    )

"""The schema: root types plus the protective extensions, limits read from settings."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import ASTValidationRule, GraphQLError, parse, specified_rules, validate
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit
from strawberry.schema.config import StrawberryConfig

from graph.api.bounds import list_bounds
from graph.api.errors import MASKED_MESSAGE, MaskedErrors, should_mask
from graph.api.mutations import Mutation
from graph.api.query import Query
from graph.api.surrogates import UnpairedSurrogates
from graph.api.types import Author, Organization, Post, Relay
from graph.budget.extension import Limits, PriceCache, QueryCost, SocketBudgets
from graph.planning.extension import PlanCache, PlannedExecution
from graph.planning.lane import FastLane
from graph.settings import Settings, get_settings


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The alias and depth limits as validation rules.

    Made once per schema: MaxAliasesLimiter and QueryDepthLimiter make a new rule class per
    request, which ValidationCache keys on, so every request was validated again.
    """
    return [alias_limit(settings.max_aliases), depth_limit(settings.max_query_depth, None)]


def document_check(schema: strawberry.Schema, settings: Settings) -> Callable[[str], bool]:
    """Whether a query text parses within the token limit and passes validation and limits."""
    rules = [*specified_rules, *limit_rules(settings)]

    def valid(text: str) -> bool:
        try:
            document = parse(text, max_tokens=settings.max_tokens)
        except GraphQLError:
            return False
        return not validate(schema._schema, document, rules)

    return valid


def operation_limits(settings: Settings) -> Limits:
    """What one operation may cost, and its answer's size."""
    return Limits(settings.max_query_cost, settings.max_answer_bytes)


def build_schema(
    settings: Settings | None = None,
    sockets: SocketBudgets | None = None,
    lane: FastLane | None = None,
) -> strawberry.Schema:
    """The executable schema with depth, alias and token limits, error masking and the planner.

    With a fast lane, the planner tells it of each document whose plan answered, and the lane
    reads the same plan and price caches."""
    settings = settings or get_settings()
    plans = PlanCache() if lane is None else lane.plans
    prices = PriceCache() if lane is None else lane.prices
    bounds = list_bounds(settings)
    limits = limit_rules(settings)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Relay, Post, Author, Organization],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            lambda: AddValidationRules(limits),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            UnpairedSurrogates,  # after ValidationCache, whose result it replaces
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


schema = build_schema()

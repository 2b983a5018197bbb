"""The schema: root types plus the protective extensions, limits read from settings."""

from __future__ import annotations

import strawberry
from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit
from strawberry.schema.config import StrawberryConfig

from graph.api.errors import MASKED_MESSAGE, should_mask
from graph.api.mutations import Mutation
from graph.api.query import Query
from graph.api.types import Author, Organization, Post, Relay
from graph.planning.extension import PlanCache, PlannedExecution
from graph.settings import Settings, get_settings


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The executable schema with depth, alias and token limits, error masking and the planner."""
    settings = settings or get_settings()
    plans = PlanCache()
    # The limit rules are made once: MaxAliasesLimiter and QueryDepthLimiter make a new rule
    # class per request, which ValidationCache keys on, so every request was validated again.
    limits: list[type[ASTValidationRule]] = [
        alias_limit(settings.max_aliases),
        depth_limit(settings.max_query_depth, None),
    ]
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
            lambda: MaskErrors(should_mask_error=should_mask, error_message=MASKED_MESSAGE),
            lambda: PlannedExecution(plans, enabled=settings.planned_execution),
        ],
    )


schema = build_schema()

"""The API's enums. Same values as graph.models, but their own types: the schema contract must
not change just because a table does."""

from __future__ import annotations

from enum import StrEnum

import strawberry


@strawberry.enum(description="Whether a relay still takes new posts.")
class RelayStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


@strawberry.enum(description="What sort of body an organisation is.")
class OrganizationKind(StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    AGENCY = "agency"
    MINISTRY = "ministry"
    ASSOCIATION = "association"
    NGO = "ngo"
    RESEARCH = "research"
    COMPANY = "company"
    OTHER = "other"


@strawberry.enum(description="Where a post is in its life; only PUBLISHED is public.")
class PostStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"

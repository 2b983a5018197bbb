"""Each enum the schema serves is the one its stored values are declared by, value for value."""

from __future__ import annotations

from enum import StrEnum

import pytest
from fixtures.schemas import schema
from graphql import GraphQLEnumType

from graph import models
from graph.events import EventType

SERVED = [
    ("RelayStatus", models.RelayStatus),
    ("OrganizationKind", models.OrganizationKind),
    ("PostStatus", models.PostStatus),
    ("BatonState", models.BatonState),
    ("DeliveryStatus", models.DeliveryStatus),
    ("WebhookEvent", EventType),
]


@pytest.mark.parametrize(("name", "declared"), SERVED, ids=[name for name, _ in SERVED])
def test_the_schema_enum_reads_every_stored_value(name: str, declared: type[StrEnum]) -> None:
    served = schema._schema.type_map[name]
    assert isinstance(served, GraphQLEnumType)
    # A stored value the schema lacked would fail every read of its row.
    assert {m.value: served.serialize(declared(m.value)) for m in declared} == {
        member.value: member.name for member in declared
    }
    assert set(served.values) == set(declared.__members__)
    assert served.description  # described once, in graph/api/enums.py

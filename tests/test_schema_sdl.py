"""The committed SDL is the contract: it must match the schema in code."""

from __future__ import annotations

from pathlib import Path

from graph import models
from graph.enums import OrganizationKind, RelayStatus
from graph.schema import schema


def test_committed_sdl_matches_code(project_root: Path) -> None:
    committed = (project_root / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema.as_str() + "\n", "schema is stale: run `graph export-schema`"


def test_every_type_and_field_is_described() -> None:
    missing = []
    for graphql_type in schema._schema.type_map.values():
        if graphql_type.name.startswith("__") or graphql_type.name in {
            "String",
            "Int",
            "Float",
            "Boolean",
            "ID",
            "Date",
            "DateTime",
        }:
            continue
        if not graphql_type.description:
            missing.append(graphql_type.name)
        for name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{graphql_type.name}.{name}")
    assert missing == []


def test_api_enums_carry_every_model_value() -> None:
    # The API declares its own enums so the contract never changes by accident; a model value
    # missing here would make every read of such a row fail.
    assert {kind.value for kind in OrganizationKind} == {
        kind.value for kind in models.OrganizationKind
    }
    assert {status.value for status in RelayStatus} == {
        status.value for status in models.RelayStatus
    }

"""Documents over a complexity cap are refused before validation, over HTTP and to the
persisted-query registration, without stalling other clients; every refusal carries a code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import strawberry.schema.schema
from conftest import GraphQL, StatementCounter
from fixtures.schemas import schema
from graphql import DocumentNode, GraphQLError, specified_rules

from graph.api.admission import Admission
from graph.api.complexity import Caps
from graph.schema import build_schema, document_check
from graph.settings import Settings

TYPENAMES = "{ " + "__typename " * 1000 + "}"  # 1,002 tokens
SAME_NAME = "{ " + "relays { totalCount } " * 390 + "}"  # 1,562 tokens
FLOODS = {"1000 x __typename": (TYPENAMES, 1000), "390 x relays": (SAME_NAME, 390)}


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[DocumentNode]:
    """Every document graphql-core's `validate()` is given while the test runs (Strawberry
    calls it from one place, for our checks and its own)."""
    seen: list[DocumentNode] = []
    validate: Callable[..., list[GraphQLError]] = strawberry.schema.schema.validate

    def counted(schema: Any, document: DocumentNode, *args: Any, **kwargs: Any) -> Any:
        seen.append(document)
        return validate(schema, document, *args, **kwargs)

    monkeypatch.setattr(strawberry.schema.schema, "validate", counted)
    return seen


@pytest.mark.parametrize("flood", FLOODS)
async def test_a_flood_is_refused_before_validation_and_sql(
    gql: GraphQL,
    validations: list[DocumentNode],
    sql_statements: StatementCounter,
    flood: str,
) -> None:
    document, fields = FLOODS[flood]
    body = await gql(document)
    assert body == {
        "data": None,
        "errors": [
            {
                "message": f"This document has a selection set of {fields} fields; the limit "
                "is 100.",
                "extensions": {
                    "code": "QUERY_TOO_COMPLEX",
                    "measure": "selectionSetFields",
                    "count": fields,
                    "limit": 100,
                },
            }
        ],
    }
    assert validations == []
    assert sql_statements.statements == []


async def test_a_document_within_the_caps_is_validated(
    gql: GraphQL, validations: list[DocumentNode]
) -> None:
    await gql.data("{ relays(first: 1) { totalCount } }")
    assert len(validations) == 1


async def test_validation_giving_up_still_answers_with_codes(gql: GraphQL) -> None:
    # 120 unknown fields, none repeated, in two selection sets: within every cap, but
    # graphql-core stops at 100 errors with a bare "…Validation aborted.". An answer lists
    # the first five, then how many more there were.
    unknown = " ".join(f"nope{i}" for i in range(60))
    body = await gql(f"{{ relays {{ {unknown} }} posts {{ {unknown} }} }}")
    assert body["data"] is None
    *listed, more = body["errors"]
    assert len(listed) == 5
    assert {error["extensions"]["code"] for error in listed} == {"GRAPHQL_VALIDATION_FAILED"}
    assert more["message"].startswith("96 more errors were left out")
    assert more["extensions"] == {"code": "TOO_MANY_ERRORS"}


async def test_bad_variables_get_a_code(gql: GraphQL) -> None:
    body = await gql("query ($n: Int!) { relays(first: $n) { totalCount } }", n="ten")
    (error,) = body["errors"]
    assert error["message"].startswith("Variable '$n' has invalid value")
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_a_repeated_document_is_judged_once(
    editor: GraphQL, validations: list[DocumentNode]
) -> None:
    """An editor's requests, so the response cache cannot answer the second one. It takes
    the fast lane (the document's plan has answered), which skips validation altogether;
    without the lane, the admission's cache would answer it."""
    document = "{ relays(first: 1) { totalCount } __typename }"
    await editor.data(document)
    await editor.data(document)
    assert len(validations) == 1


@pytest.mark.parametrize("flood", FLOODS)
def test_persisted_query_registration_applies_the_caps(
    settings: Settings, validations: list[DocumentNode], flood: str
) -> None:
    valid = document_check(build_schema(settings), settings)
    assert not valid(FLOODS[flood][0])
    assert validations == []
    assert valid("{ relays(first: 1) { totalCount } }")


def test_only_admitted_documents_are_kept_parsed() -> None:
    admission = Admission(Caps.of(Settings()), max_tokens=2000)
    for text in (TYPENAMES, "{ __typename }"):
        document = admission.parsed(text)
        assert admission.parsed(text) is document  # pending: the schema takes it from here
        admission.judged(schema._schema, text, document, specified_rules)
    assert list(admission.documents.entries) == ["{ __typename }"]
    assert not admission.pending.entries


def test_a_kept_verdict_holds_no_ast_nodes_but_keeps_its_locations() -> None:
    admission = Admission(Caps.of(Settings()), max_tokens=2000)
    text = "{\n  nope\n}"
    (error,) = admission.judged(schema._schema, text, admission.parsed(text), specified_rules)
    assert error.nodes is None
    assert error.formatted["locations"] == [{"line": 2, "column": 3}]
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize(
    ("text", "extensions"),
    [
        ("{ posts {", {"code": "GRAPHQL_PARSE_FAILED"}),
        (TYPENAMES * 2, {"code": "QUERY_TOO_COMPLEX", "measure": "tokens", "limit": 2000}),
    ],
    ids=["syntax", "tokens"],
)
def test_a_text_that_does_not_parse_is_refused_with_a_code(
    text: str, extensions: dict[str, Any]
) -> None:
    admission = Admission(Caps.of(Settings()), max_tokens=2000)
    with pytest.raises(GraphQLError) as refused:
        admission.parsed(text)
    assert refused.value.extensions == extensions

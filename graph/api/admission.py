"""What a document passes before it may run: the token limit while parsing, the complexity
caps, then graphql-core's validation; each verdict kept per document text.

The caps run before `validate()`, which never sees a document over them: a validation rule
would run alongside the quadratic overlap rule, too late to help. Every refusal carries
`extensions.code`: `GRAPHQL_PARSE_FAILED`, `QUERY_TOO_COMPLEX` (tokens and the caps) or
`GRAPHQL_VALIDATION_FAILED` (every error graphql-core's validation reports, its own
"Validation aborted." included). Parse errors are raised, as Strawberry expects of a parse
hook; HTTP answers them as any error, and the WebSocket handler sends them as an `error`
message (graph/websocket.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    parse,
    specified_rules,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from graph.api.complexity import Caps, refusal, too_complex

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
# Documents whose parse and verdict are kept (the parser and validation caches had 256).
DOCUMENTS = 256

Rules = tuple[type[ASTValidationRule], ...]
Verdicts = Callable[[GraphQLSchema, str, Rules], tuple[GraphQLError, ...]]


class Admission:
    """Parses and judges document texts for one schema: caps first, then validation."""

    def __init__(self, caps: Caps, max_tokens: int, size: int = DOCUMENTS) -> None:
        self.caps = caps
        self.max_tokens = max_tokens
        self.parsed: Callable[[str], DocumentNode] = lru_cache(maxsize=size)(self._parse)
        self._judged: Verdicts = lru_cache(maxsize=size)(self._judge_text)

    def judged(
        self, schema: GraphQLSchema, text: str, rules: Sequence[type[ASTValidationRule]]
    ) -> list[GraphQLError]:
        """The errors refusing this (parsed) text, or none; from the cache when it has it."""
        return list(self._judged(schema, text, tuple(rules)))

    def admits(self, schema: GraphQLSchema, text: str) -> bool:
        """Whether a text parses, passes the caps and validates (with the default rules)."""
        try:
            self.parsed(text)
        except GraphQLError:
            return False
        return not self.judged(schema, text, specified_rules)

    def _parse(self, text: str) -> DocumentNode:
        try:
            return parse(text, max_tokens=self.max_tokens)
        except GraphQLSyntaxError as error:
            if f"more than {self.max_tokens} tokens" in error.message:
                raise too_complex(
                    f"This document has more than {self.max_tokens} tokens; the limit is "
                    f"{self.max_tokens}.",
                    "tokens",
                    None,
                    self.max_tokens,
                ) from None
            error.extensions = {**(error.extensions or {}), "code": PARSE_FAILED}
            raise

    def _judge_text(
        self, schema: GraphQLSchema, text: str, rules: Rules
    ) -> tuple[GraphQLError, ...]:
        # The parse cache hands back the document this request was given (or, if it was
        # evicted meanwhile, an equal one).
        return tuple(judge(schema, self.parsed(text), rules, self.caps))


def judge(
    schema: GraphQLSchema, document: DocumentNode, rules: Rules, caps: Caps
) -> list[GraphQLError]:
    """The complexity refusal if there is one, else validation's errors, each with a code."""
    too_much = refusal(document, caps)
    if too_much is not None:
        return [too_much]
    return [_coded(error) for error in validate_document(schema, document, rules)]


def _coded(error: GraphQLError) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    return GraphQLError(
        error.message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error,
        {**(error.extensions or {}), "code": VALIDATION_FAILED},
    )


class AdmissionChecks(SchemaExtension):
    """Strawberry's parse and validate steps, through an Admission (its caches included)."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.query is not None and execution.graphql_document is None:
            execution.graphql_document = self.admission.parsed(execution.query)
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        schema, rules = execution.schema._schema, execution.validation_rules
        if execution.query is not None:
            errors = self.admission.judged(schema, execution.query, rules)
        else:
            assert execution.graphql_document is not None
            errors = judge(schema, execution.graphql_document, rules, self.admission.caps)
        # Set (even when empty): Strawberry then skips its own, uncached validation.
        execution.pre_execution_errors = errors
        yield

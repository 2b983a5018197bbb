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

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

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
# Documents and verdicts kept (Strawberry's parser and validation caches here had 256).
DOCUMENTS = 256
# Documents parsed and not judged yet: the response cache parses a text just before the
# request reaches the schema, which takes the same document from here instead of parsing
# the text again (a flood's documents are new each time). Bounded: a text the schema
# never sees (an answer from the cache) drops out.
PENDING = 16

Rules = tuple[type[ASTValidationRule], ...]
Key = TypeVar("Key")
Value = TypeVar("Value")


class Recent(Generic[Key, Value]):
    """The most recently used entries, at most `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Key, Value] = OrderedDict()

    def get(self, key: Key) -> Value | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: Key, value: Value) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def discard(self, key: Key) -> None:
        self.entries.pop(key, None)


class Admission:
    """Parses and judges document texts: caps first, then validation.

    Only admitted documents are kept parsed. A refused one would be kept for nothing, and
    it is the kind a flood sends new every time: a 390-field document is ~6,000 objects
    (nodes and the token chain), and with 60 of them kept each full garbage collection took
    0.1-0.35 s. Verdicts are kept for both; their errors hold positions, not AST nodes.
    """

    def __init__(self, caps: Caps, max_tokens: int, size: int = DOCUMENTS) -> None:
        self.caps = caps
        self.max_tokens = max_tokens
        self.documents: Recent[str, DocumentNode] = Recent(size)
        self.pending: Recent[str, DocumentNode] = Recent(PENDING)
        self.verdicts: Recent[tuple[GraphQLSchema, str, Rules], tuple[GraphQLError, ...]] = Recent(
            size
        )

    def parsed(self, text: str) -> DocumentNode:
        """The text's document: an admitted or pending one, else parsed now (and pending
        until it is judged)."""
        document = self.documents.get(text) or self.pending.get(text)
        if document is None:
            document = self._parse(text)
            self.pending.put(text, document)
        return document

    def judged(
        self,
        schema: GraphQLSchema,
        text: str,
        document: DocumentNode,
        rules: Sequence[type[ASTValidationRule]],
    ) -> list[GraphQLError]:
        """The errors refusing this text (parsed as `document`), or none; the verdict from
        the cache when it has it."""
        key = (schema, text, tuple(rules))
        verdict = self.verdicts.get(key)
        if verdict is None:
            verdict = tuple(judge(schema, document, key[2], self.caps))
            self.verdicts.put(key, verdict)
        self.pending.discard(text)
        if not verdict:
            self.documents.put(text, document)
        return list(verdict)

    def admits(self, schema: GraphQLSchema, text: str) -> bool:
        """Whether a text parses, passes the caps and validates (with the default rules)."""
        try:
            document = self.parsed(text)
        except GraphQLError:
            return False
        return not self.judged(schema, text, document, specified_rules)

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


def judge(
    schema: GraphQLSchema, document: DocumentNode, rules: Rules, caps: Caps
) -> list[GraphQLError]:
    """The complexity refusal if there is one, else validation's errors, each with a code."""
    too_much = refusal(document, caps)
    if too_much is not None:
        return [too_much]
    return [_coded(error) for error in validate_document(schema, document, rules)]


def _coded(error: GraphQLError) -> GraphQLError:
    """The error with a code, and its place as positions in the text rather than AST nodes
    (which would keep the whole document alive in the verdict cache)."""
    return GraphQLError(
        error.message,
        None,
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
        document = execution.graphql_document
        assert document is not None  # parsed, or Strawberry would not validate
        if execution.query is not None:
            errors = self.admission.judged(schema, execution.query, document, rules)
        else:
            errors = judge(schema, document, tuple(rules), self.admission.caps)
        # Set (even when empty): Strawberry then skips its own, uncached validation.
        execution.pre_execution_errors = errors
        yield

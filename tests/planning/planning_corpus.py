"""The fixed corpora: the named operations, and every read query the test suite sends.

Suite queries are found statically: every string constant in `tests/**/*.py` (but this
folder) that parses as a document of queries only and validates against the schema. Queries
assembled by f-strings do not parse and are left out. Each document's variables are filled
from the data by what they mean where they are used (see `planning_values`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixtures.editing import READ
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLNonNull,
    GraphQLSchema,
    ObjectFieldNode,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    get_named_type,
    parse,
    print_ast,
    type_from_ast,
    validate,
    visit,
)
from planning_dataset import Dataset
from planning_values import Site, candidates

from graph.cache.persisted import OPERATIONS_DIR

# Which value each variant takes: the most ordinary, the next one, the last hostile one.
VARIANT_PICKS = (0, 1, -1)


@dataclass(frozen=True)
class Document:
    """A query text, where it came from, and its parsed form."""

    origin: str
    text: str
    tree: DocumentNode


@dataclass(frozen=True)
class Variable:
    """One variable definition and the site its value goes to."""

    name: str
    type: GraphQLInputType
    site: Site
    optional: bool


def named_operations() -> list[Document]:
    """The persisted, named operations frontends run (`schema/operations/*.graphql`)."""
    paths = sorted(OPERATIONS_DIR.glob("*.graphql"))
    return [_document(f"schema/operations/{path.name}", path.read_text()) for path in paths]


def suite_documents(tests_root: Path, schema: GraphQLSchema) -> list[Document]:
    """Every distinct valid query document in the test suite, first occurrence kept."""
    found: dict[str, Document] = {}
    for origin, text in [*_string_constants(tests_root), *_desk_reads()]:
        document = _query_document(origin, text, schema)
        if document is not None:
            found.setdefault(print_ast(document.tree), document)
    return list(found.values())


def _string_constants(tests_root: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(tests_root.rglob("*.py")):
        relative = path.relative_to(tests_root.parent)
        if relative.parts[1] == "planning":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
                yield f"{relative}:{node.lineno}", node.value


def _desk_reads() -> Iterator[tuple[str, str]]:
    # Desk.read builds these with an f-string around READ; rebuilt here with a variable id.
    for type_name, fields in READ.items():
        text = f"query ($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ {fields} }} }} }}"
        yield f"tests/fixtures/editing.py READ[{type_name!r}]", text


def _query_document(origin: str, text: str, schema: GraphQLSchema) -> Document | None:
    try:
        document = _document(origin, text)
    except GraphQLError:
        return None
    operations = [d for d in document.tree.definitions if isinstance(d, OperationDefinitionNode)]
    reads_only = all(op.operation is OperationType.QUERY for op in operations)
    if not operations or not reads_only or validate(schema, document.tree):
        return None
    return document


def _document(origin: str, text: str) -> Document:
    return Document(origin, text, parse(text))


def variables_of(schema: GraphQLSchema, document: Document) -> list[Variable]:
    """The document's variables (of its first operation), each with where it is used."""
    operation = next(d for d in document.tree.definitions if isinstance(d, OperationDefinitionNode))
    sites = _SiteFinder.run(schema, document.tree)
    variables = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        input_type = type_from_ast(schema, definition.type)
        assert input_type is not None, name
        optional = definition.default_value is not None or not isinstance(
            input_type, GraphQLNonNull
        )
        variables.append(Variable(name, input_type, sites.get(name, Site("", "", name)), optional))
    return variables


class _SiteFinder(Visitor):
    """Records, for each variable, the field and argument (or input field) it is passed to."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.names: list[str] = []
        self.sites: dict[str, Site] = {}

    @classmethod
    def run(cls, schema: GraphQLSchema, tree: DocumentNode) -> dict[str, Site]:
        type_info = TypeInfo(schema)
        finder = cls(type_info)
        visit(tree, TypeInfoVisitor(type_info, finder))
        return finder.sites

    def enter_argument(self, node: Any, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_argument(self, *_: Any) -> None:
        self.names.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_object_field(self, *_: Any) -> None:
        self.names.pop()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if not self.names:
            return  # the variable's own definition
        field = self.type_info.get_field_def()
        returns = get_named_type(field.type).name if field is not None else ""
        site = Site(_enclosing_field(self.type_info), returns, self.names[-1])
        self.sites.setdefault(node.name.value, site)


def _enclosing_field(type_info: TypeInfo) -> str:
    # TypeInfo keeps the field definition, not its name; the schema field names it.
    parent, field = type_info.get_parent_type(), type_info.get_field_def()
    if parent is None or field is None:
        return ""
    fields = getattr(parent, "fields", {})
    return next((name for name, definition in fields.items() if definition is field), "")


def variable_sets(
    dataset: Dataset, schema: GraphQLSchema, document: Document
) -> list[dict[str, Any]]:
    """A few distinct variable sets: ordinary values, others with optionals left out, hostile."""
    variables = variables_of(schema, document)
    sets: list[dict[str, Any]] = []
    for variant, pick in enumerate(VARIANT_PICKS):
        values = {
            variable.name: value(dataset, variable.site, variable.type, pick)
            for variable in variables
            if not (variable.optional and variant == 1)
        }
        if values not in sets:
            sets.append(values)
    return sets


def value(dataset: Dataset, site: Site, input_type: GraphQLInputType, pick: int) -> Any:
    """The `pick`-th candidate for a site; input objects get every `pick`-chosen field."""
    named = get_named_type(input_type)
    if isinstance(named, GraphQLInputObjectType):
        return {
            name: value(dataset, Site(site.field, site.returns, name), field.type, pick)
            for index, (name, field) in enumerate(named.fields.items())
            if (index + pick) % 3 == 0
        }
    return candidates(dataset, site, input_type).pick(pick)

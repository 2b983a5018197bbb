"""`graph show-sql`: the statement a query document compiles to, laid out to be read.

    scripts/graph show-sql schema/operations/PostPage.graphql --variables '{"slug": "x"}'

No database is needed: the statement is written from the schema and the plan alone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from graphql import OperationDefinitionNode, parse, validate
from graphql.execution.values import get_variable_values

from graph.planning.build import build
from graph.planning.compile import statement_of
from graph.planning.nodes import NotPlannable, Request
from graph.read.access import ANONYMOUS, EDITOR
from graph.schema import build_schema

# The clauses a line starts with, when they belong to the SELECT they are in (not to an
# aggregate's ORDER BY, say).
CLAUSES = (" FROM ", " WHERE ", " ORDER BY ")
QUOTED = re.compile(r"'(?:[^']|'')*'")


def laid_out(sql: str) -> str:
    """The statement with each subquery, and each of its clauses, on a line of its own,
    indented by nesting."""
    masked = QUOTED.sub(lambda found: "_" * len(found.group()), sql)  # parentheses in texts
    lines: list[tuple[int, str]] = []
    start, indent, depth, selects = 0, 0, 0, [0]  # selects: each open SELECT's depth

    def cut(end: int) -> None:
        nonlocal start
        if sql[start:end].strip():
            lines.append((indent, sql[start:end].strip()))
        start = end

    for index, char in enumerate(masked):
        if char == "(":
            if masked.startswith("(SELECT ", index):
                cut(index)
                selects.append(depth + 1)
                indent = len(selects) - 1
            depth += 1
        elif char == ")":
            if depth == selects[-1]:
                selects.pop()
            depth -= 1
        elif depth == selects[-1] and masked.startswith(CLAUSES, index):
            cut(index)
            indent = len(selects) - 1
    cut(len(sql))
    return "\n".join("  " * indent + text for indent, text in lines)


def show(args: argparse.Namespace) -> None:
    """Print the compiled statement of the document's (only or named) operation."""
    graphql = build_schema(args.settings)._schema
    document = parse(Path(args.document).read_text(encoding="utf-8"))
    errors = validate(graphql, document)
    if errors:
        sys.exit("; ".join(error.message for error in errors))
    operations = [
        node for node in document.definitions if isinstance(node, OperationDefinitionNode)
    ]
    operation = next(
        (node for node in operations if args.operation in (None, node.name and node.name.value)),
        None,
    )
    if operation is None:
        sys.exit(f"no operation {args.operation!r} in {args.document}")
    variables = get_variable_values(
        graphql, operation.variable_definitions or (), json.loads(args.variables)
    )
    if isinstance(variables, list):
        sys.exit("; ".join(error.message for error in variables))
    try:
        plan = build(graphql, document, operation, variables, anonymous=not args.editor)
    except NotPlannable as missing:
        sys.exit(f"no plan: {missing} runs the standard way")
    if not plan.compiled:
        sys.exit("planned, but not compiled: it runs level by level (graph.planning.run)")
    statement = statement_of(
        plan, Request(EDITOR if args.editor else ANONYMOUS, variables, args.settings)
    )
    print(laid_out(statement.sql))
    print(f"-- parameters: {statement.params}")


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`graph show-sql DOCUMENT [--operation NAME] [--variables JSON] [--editor]`."""
    parser = commands.add_parser(
        "show-sql", help="print the one statement a query compiles to on PostgreSQL"
    )
    parser.add_argument("document", help="a .graphql file")
    parser.add_argument("--operation", help="the operation's name, if the file has several")
    parser.add_argument("--variables", default="{}", help="the variables, as JSON")
    parser.add_argument("--editor", action="store_true", help="as a caller with a token")
    parser.set_defaults(handler=show)

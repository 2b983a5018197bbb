"""Run a GraphQL document from a file and print the JSON response.

Usage: graphql FILE.graphql [--variables JSON] [--var name=value …] [--operation NAME]

Sends GRAPH_TOKEN when it is set. Exits 1 with a one-line reason on an HTTP failure, on
GraphQL `errors`, or when a top-level result is a typed error (NotFound, ValidationFailed,
VersionConflict, SlugTaken, Forbidden). The document is sent as written: a typed error is
recognised only if the document selects `__typename` on that result.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.client.http import ClientError, from_environment, graphql_errors
from graph.client.results import is_typed_error


class UsageError(Exception):
    """Arguments that do not make a request."""


def variables(given: str | None, pairs: Sequence[str]) -> dict[str, Any]:
    """--variables (a JSON object) overlaid with each --var name=value (JSON, else text)."""
    result: dict[str, Any] = {}
    if given is not None:
        try:
            result = json.loads(given)
        except json.JSONDecodeError as error:
            raise UsageError(f"--variables is not JSON: {error}") from error
        if not isinstance(result, dict):
            raise UsageError("--variables must be a JSON object")
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--var {pair!r}: expected name=value")
        result[name] = _value(value)
    return result


def _value(text: str) -> Any:
    """`5`, `true`, `null`, `[1]`, `"5"` are JSON; anything else is taken as text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def problem(body: dict[str, Any]) -> str | None:
    """Why a response counts as failed: GraphQL errors or a typed error result; else None."""
    if body.get("errors"):
        return graphql_errors(body["errors"])
    for field, result in (body.get("data") or {}).items():
        if is_typed_error(result):
            return f"{field}: {result['__typename']}: {_typed_reason(result)}"
    return None


def _typed_reason(result: dict[str, Any]) -> str:
    """The field errors if the document selected them, else the message."""
    fields = [
        f"{'.'.join(e.get('path', []))}: {e.get('message')}"
        for e in result.get("fieldErrors") or []
    ]
    return "; ".join(fields) or str(result.get("message", "(no message selected)"))


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="graphql",
        description="Post a GraphQL document to GRAPH_URL (with GRAPH_TOKEN if set) and print "
        "the JSON response.",
    )
    parser.add_argument("document", type=Path, metavar="FILE.graphql")
    parser.add_argument("--variables", metavar="JSON", help="the variables as a JSON object")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one variable; VALUE is read as JSON if it parses, else as text (repeatable)",
    )
    parser.add_argument("--operation", metavar="NAME", help="which operation of the document")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the response; exit 1 with the reason when it failed."""
    args = _arguments(argv)
    try:
        document = args.document.read_text(encoding="utf-8-sig")
        values = variables(args.variables, args.var)
        with from_environment(token_required=False) as client:
            body = client.response(document, values, operation=args.operation)
    except (OSError, UsageError, ClientError) as error:
        print(f"graphql: {error}", file=sys.stderr)
        return 1
    print(json.dumps(body, indent=2, ensure_ascii=False))
    reason = problem(body)
    if reason is not None:
        print(f"graphql: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

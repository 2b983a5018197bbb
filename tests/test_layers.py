"""The API's modules never import the planner; `graph.schema`, above both, joins them.

A planner module that imported the schema's types (or anything that imports them) would make
the two packages import each other: the import then only works in one order, and fails from a
fresh interpreter in the other. (tests/test_imports.py checks every circle; this one says
where the join belongs.)
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "graph"
# The modules that join the two: the schema (extensions) and the app (the fast lane).
JOINS = {"graph/schema.py"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_api_module_but_the_schema_imports_the_planner() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted((PACKAGE / "api").rglob("*.py"))
        if str(path.relative_to(PACKAGE.parent)) not in JOINS
        and any(name.startswith("graph.planning") for name in _imports(path))
    ]
    assert not offenders


def test_the_planner_imports_first_from_a_fresh_interpreter() -> None:
    modules = "graph.planning.build, graph.planning.compile, graph.planning.lane, graph.cli"
    done = subprocess.run(
        [sys.executable, "-c", f"import {modules}"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]

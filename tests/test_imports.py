"""No module of `graph` imports itself round a circle, and no subpackage does either.

Every import counts: top-level, inside a function (that only hides a circle until the
function runs) and under `if TYPE_CHECKING:` (a circle for the reader, and for mypy). The one
exception is a `strawberry.lazy("graph.x")` type reference: a string resolved once the
schema is built, not an import (with the `if TYPE_CHECKING:` import of that one name that
mypy needs beside it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "graph"

Graph = dict[str, set[str]]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The module an import names, relative imports resolved against the importing file."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _lazy_references(tree: ast.AST) -> set[tuple[str, str]]:
    """(module, name) of every `Annotated[Name, strawberry.lazy("module")]` in the file."""
    found = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Annotated"
            and isinstance(node.slice, ast.Tuple)
        ):
            continue
        named, *extras = node.slice.elts
        name = named.id if isinstance(named, ast.Name) else getattr(named, "value", None)
        for extra in extras:
            if (
                isinstance(extra, ast.Call)
                and isinstance(extra.func, ast.Attribute)
                and extra.func.attr == "lazy"
                and extra.args
                and isinstance(extra.args[0], ast.Constant)
            ):
                found.add((str(extra.args[0].value), str(name)))
    return found


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """The import statements under `if TYPE_CHECKING:`."""
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found.update(child for statement in node.body for child in ast.walk(statement))
    return found


def _imported(module: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every module of `known` that `module` imports, wherever the import statement sits.

    A name imported under TYPE_CHECKING only for `Annotated[Name, strawberry.lazy(...)]` of
    the same module is the strawberry.lazy exception (the canonical form: mypy needs the
    name, Strawberry the string), not an import.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy, for_checkers = _lazy_references(tree), _type_checking_only(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, path, node)
            for alias in node.names:
                if node in for_checkers and (source, alias.name) in lazy:
                    continue
                if f"{source}.{alias.name}" in known:  # `from graph.api import types`
                    yield f"{source}.{alias.name}"
                elif source in known:
                    yield source


def _with_packages(importer: str, target: str, known: set[str]) -> set[str]:
    """`target` and the packages Python runs on the way to it (their `__init__`), but not the
    importer's own packages: those are already loaded (or loading) when it runs."""
    own = {importer.rsplit(".", depth)[0] for depth in range(importer.count(".") + 1)}
    parts = target.split(".")
    packages = {".".join(parts[:depth]) for depth in range(1, len(parts))}
    return {target} | {package for package in packages - own if package in known}


def module_graph() -> Graph:
    """Module name -> the `graph` modules it imports (with the packages they sit in)."""
    sources = _sources()
    known = set(sources)
    return {
        name: {
            reached
            for target in _imported(name, path, known)
            for reached in _with_packages(name, target, known)
            if reached != name
        }
        for name, path in sources.items()
    }


def _part(module: str) -> str:
    """`graph.api.types` -> `graph.api`; a top-level module (`graph.events`) is its own part."""
    return ".".join(module.split(".")[:2])


def part_graph(modules: Graph) -> Graph:
    """Top-level subpackage (or top-level module) -> the others it imports."""
    parts: Graph = {}
    for source, targets in modules.items():
        edges = parts.setdefault(_part(source), set())
        edges.update(_part(target) for target in targets if _part(target) != _part(source))
    return parts


def circles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _one_loop(graph: Graph, members: list[str]) -> list[str]:
    """A shortest way from the component's first member back to itself, for the message."""
    start, inside = members[0], set(members)
    paths = {start: [start]}
    queue = [start]
    for node in queue:
        for target in sorted(graph[node] & inside):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return members


def _report(graph: Graph, found: list[list[str]]) -> str:
    return "\n".join(
        f"{len(members)} in a circle: {', '.join(members)}\n"
        f"    e.g. {' -> '.join(_one_loop(graph, members))}"
        for members in found
    )


def test_no_module_imports_itself_round_a_circle() -> None:
    modules = module_graph()
    found = circles(modules)
    assert not found, "\n" + _report(modules, found)


def test_no_subpackage_imports_itself_round_a_circle() -> None:
    parts = part_graph(module_graph())
    found = circles(parts)
    assert not found, "\n" + _report(parts, found)


def test_hidden_imports_count_and_lazy_type_references_do_not(tmp_path: Path) -> None:
    """The walker: function-level and TYPE_CHECKING imports are edges, strawberry.lazy is not."""
    source = tmp_path / "graph" / "api" / "one.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from typing import TYPE_CHECKING, Annotated\n"
        "import strawberry\n"
        "if TYPE_CHECKING:\n"
        "    from graph import events\n"
        "    from graph.api.three import X\n"
        "def later() -> None:\n"
        "    from .two import thing\n"
        "Lazy = Annotated['X', strawberry.lazy('graph.api.three')]\n",
        encoding="utf-8",
    )
    known = {"graph.events", "graph.api.two", "graph.api.three"}
    assert set(_imported("graph.api.one", source, known)) == {"graph.events", "graph.api.two"}


def test_circles_are_found_and_trees_are_not() -> None:
    tree = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": set()}
    assert circles(tree) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_walk_reads_the_real_package() -> None:
    """A walker that found nothing would pass the circle tests: it sees cli's lazy import."""
    modules = module_graph()
    assert "graph.schema" in modules["graph.cli"]  # imported inside a function
    assert "graph.planning.answering" in modules["graph.planning.lane"]
    # api.baton imports api.mutations.errors, so the api.mutations package's __init__ runs too
    assert "graph.api.mutations" in modules["graph.api.baton"]

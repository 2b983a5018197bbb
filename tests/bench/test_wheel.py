"""The bench stays in the checkout: the wheel holds `graph/` only, and `graph bench` says so."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_WITHIN_S = 120


def _uv() -> str:
    """uv from PATH or from scripts/_uv.sh's .tools/; skipped (failed under CI) without one."""
    found = shutil.which("uv") or shutil.which("uv", path=str(ROOT / ".tools" / "bin"))
    if found is None:
        message = "uv is missing, so the wheel cannot be built: run scripts/lint once"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `uv build` makes of this checkout, as a release would."""
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=RUN_WITHIN_S,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (path,) = out.glob("graph-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked into a folder of its own: a pure-Python install, checkout out of sight."""
    target = tmp_path_factory.mktemp("installed")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _graph_from(installed: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`graph ARGUMENTS` with only the wheel and the dependencies on the path.

    `-S` skips site-packages' .pth files, among them the editable install's, which puts
    the checkout (and so `benchmarks`) on the path.
    """
    dependencies = sysconfig.get_paths()["purelib"]
    return subprocess.run(
        [sys.executable, "-S", "-m", "graph", *arguments],
        cwd=installed,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(installed), dependencies])},
        capture_output=True,
        text=True,
        timeout=RUN_WITHIN_S,
    )


def test_the_wheel_has_no_bench_code(wheel: Path) -> None:
    names = _names(wheel)
    assert "graph/cli.py" in names
    assert "graph/graphiql/page.html" in names
    assert [name for name in names if name.startswith(("benchmarks/", "graph/bench/"))] == []


def test_graph_bench_from_the_wheel_says_it_needs_a_checkout(installed: Path) -> None:
    ran = _graph_from(installed, "bench", "--size", "S")
    assert ran.returncode != 0
    assert "run it from a checkout of the repository" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_graph_bench_in_a_checkout_reads_the_bench_options() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "graph", "bench", "--help"],
        capture_output=True,
        text=True,
        timeout=RUN_WITHIN_S,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.startswith("usage: graph bench")
    assert "--generate-only" in ran.stdout


def _imports_of_benchmarks(tree: ast.AST) -> list[ast.AST]:
    return [
        node
        for node in ast.walk(tree)
        if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmarks"))
        or (
            isinstance(node, ast.Import)
            and any(alias.name.startswith("benchmarks") for alias in node.names)
        )
    ]


def test_only_the_bench_command_imports_the_bench() -> None:
    trees = {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "graph").rglob("*.py"))
    }
    importing = {path for path, tree in trees.items() if _imports_of_benchmarks(tree)}
    assert importing == {"graph/cli.py"}
    in_functions = [
        node
        for function in ast.walk(trees["graph/cli.py"])
        if isinstance(function, ast.FunctionDef)
        for node in _imports_of_benchmarks(function)
    ]
    assert in_functions == _imports_of_benchmarks(trees["graph/cli.py"])

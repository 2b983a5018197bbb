"""The tree's layout: small modules, and a unit test module beside each domain module.

STYLE: past ~400 lines a module becomes a package; tests mirror the source, so the unit tests
of `graph/planning/compile/objects.py` are in `tests/planning/compile/test_objects.py`. And
since pytest imports a test module by its name from the first folder up without an
`__init__.py`, two modules that come out with one name stop the whole run from collecting.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
MOST_LINES = 400
SIZED = ("graph", "benchmarks")
# The domain packages whose every module has a unit test module of its own.
MIRRORED = ("graph/planning", "graph/read", "graph/editing")


def _modules(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts)


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def mirror_of(module: Path) -> Path:
    """The test module of `graph/<pkg>/<name>.py`: `tests/<pkg>/test_<name>.py`."""
    inside = module.relative_to(ROOT / "graph")
    return TESTS / inside.parent / f"test_{inside.stem}.py"


def import_name(path: Path) -> str:
    """The name pytest imports a module under tests/ as (its default import mode)."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def test_no_module_is_over_400_lines() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for folder in SIZED
        for path in _modules(folder)
        if (lines := _line_count(path)) > MOST_LINES
    }
    assert not offenders, f"over {MOST_LINES} lines (make each a package): {offenders}"


def test_every_domain_module_has_a_test_module_mirroring_it() -> None:
    missing = [
        f"{module.relative_to(ROOT)} -> {mirror_of(module).relative_to(ROOT)}"
        for folder in MIRRORED
        for module in _modules(folder)
        if module.name != "__init__.py" and not mirror_of(module).exists()
    ]
    assert not missing, "modules without a unit test module:\n" + "\n".join(missing)


def test_no_two_test_modules_import_under_one_name() -> None:
    paths: dict[str, list[str]] = defaultdict(list)
    for path in _modules("tests"):
        paths[import_name(path)].append(str(path.relative_to(ROOT)))
    clashes = {name: found for name, found in paths.items() if len(found) > 1}
    assert not clashes, f"one import name for several modules (add an __init__.py): {clashes}"

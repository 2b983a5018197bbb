"""Issue 14's search targets: the common word's search held against the rare word's.

A common word matches a third of the posts, a rare one a single post; a search whose first
page costs what the page costs answers both alike. Three figures say whether it does, each
a ratio within one run (or, for growth, between the M and L runs), so this machine's drift
cancels out:

- common p50 ÷ rare p50, one request at a time (the `single` run): at most 3;
- common requests/s ÷ rare requests/s, cold under load (the `cold` run): at least 0.3;
- the common word's p50 at L ÷ at M (the `single` run of each): at most 1.5.

They are judged on M and L; other sizes show their figures unjudged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from benchmarks.report import (
    NOTHING,
    OperationResult,
    aligned,
    format_number,
    format_times,
    markdown,
    ratio,
)

COMMON, RARE = "Search common", "Search rare"
JUDGED_ON = ("M", "L")
TITLE = "Search targets (issue 14: the common word against the rare one)"
HEADER = ("target", "measured", "from", "")


@dataclass(frozen=True)
class Figure:
    """One figure of one run: p50 (ms) or requests/s."""

    run: str
    name: str  # "p50" or "req/s"

    def read(self, result: OperationResult | None) -> float | None:
        measured = None if result is None else result.runs.get(self.run)
        if measured is None:
            return None
        return measured.p50_ms if self.name == "p50" else measured.requests_per_s

    def show(self, value: float | None) -> str:
        if self.name == "p50":
            return f"{format_number(value, 1)} ms"
        return f"{format_number(value)} req/s"


SINGLE_P50 = Figure("single", "p50")
COLD_RATE = Figure("cold", "req/s")


@dataclass(frozen=True)
class SearchTarget:
    """Common ÷ rare for one figure, at least or at most a bound."""

    figure: Figure
    at_least: bool
    bound: float

    def __str__(self) -> str:
        sign = "≥" if self.at_least else "≤"
        name = self.figure.name
        return f"common {name} ÷ rare {name}, {self.figure.run} {sign} {self.bound:g}"


TARGETS = (
    SearchTarget(SINGLE_P50, at_least=False, bound=3),
    SearchTarget(COLD_RATE, at_least=True, bound=0.3),
)
GROWTH = SearchTarget(SINGLE_P50, at_least=False, bound=1.5)
GROWTH_NAME = f"common p50 L ÷ M, {SINGLE_P50.run} ≤ {GROWTH.bound:g}"


@dataclass(frozen=True)
class SearchVerdict:
    """A target, its value, and met (True/False) or None with the reason it was not judged."""

    target: str
    value: float | None
    met: bool | None
    source: str = ""  # the two figures the value divides
    why: str = ""


def _judge(
    name: str, target: SearchTarget, mine: float | None, theirs: float | None, size: str
) -> SearchVerdict:
    value = ratio(mine, theirs)
    source = f"{target.figure.show(mine)} ÷ {target.figure.show(theirs)}"
    if size not in JUDGED_ON:
        return SearchVerdict(name, value, None, source, f"not evaluated on {size}")
    # A common word whose every request outlasted the run has no p50 (and 0 req/s): not met.
    met = value is not None and (
        value >= target.bound if target.at_least else value <= target.bound
    )
    return SearchVerdict(name, value, met, source)


def _measured(result: OperationResult | None, run: str) -> bool:
    return result is not None and run in result.runs


def verdicts(
    results: list[OperationResult], size: str, m_p50: float | None = None
) -> list[SearchVerdict]:
    """The targets on this run; on L also the growth from M (`m_p50`: M's common p50)."""
    by_label = {result.label: result for result in results}
    common, rare = by_label.get(COMMON), by_label.get(RARE)
    found = []
    for target in TARGETS:
        run = target.figure.run
        if not (_measured(common, run) and _measured(rare, run)):
            found.append(SearchVerdict(str(target), None, None, why="not measured"))
            continue
        mine, theirs = target.figure.read(common), target.figure.read(rare)
        found.append(_judge(str(target), target, mine, theirs, size))
    if size == "L":
        found.append(_growth(common, m_p50))
    return found


def _growth(common: OperationResult | None, m_p50: float | None) -> SearchVerdict:
    if not _measured(common, GROWTH.figure.run):
        return SearchVerdict(GROWTH_NAME, None, None, why="not measured")
    if m_p50 is None:
        return SearchVerdict(GROWTH_NAME, None, None, why="no M results with `single` beside")
    return _judge(GROWTH_NAME, GROWTH, GROWTH.figure.read(common), m_p50, "L")


def common_p50(run_json: dict[str, Any]) -> float | None:
    """The common word's single-request p50 in a results file (`<output>/M.json`)."""
    for result in run_json.get("results", []):
        if result.get("label") == COMMON:
            single = result.get("runs", {}).get("single") or {}
            value = single.get("p50_ms")
            return None if value is None else float(value)
    return None


def _rows(found: list[SearchVerdict]) -> list[tuple[str, ...]]:
    return [
        (
            verdict.target,
            format_times(verdict.value) if verdict.value is not None else NOTHING,
            verdict.source,
            verdict.why if verdict.met is None else ("met" if verdict.met else "not met"),
        )
        for verdict in found
    ]


def text(found: list[SearchVerdict]) -> str:
    """The targets for a terminal, with their heading; empty when no search ran."""
    if all(verdict.why == "not measured" for verdict in found):
        return ""
    return f"{TITLE}:\n" + aligned([HEADER, *_rows(found)], (0, 2, 3))


def markdown_text(found: list[SearchVerdict]) -> str:
    """The targets in Markdown, with their heading; empty when no search ran."""
    if all(verdict.why == "not measured" for verdict in found):
        return ""
    return f"{TITLE}:\n\n" + markdown([HEADER, *_rows(found)], (0, 2, 3))


def as_json(found: list[SearchVerdict]) -> list[dict[str, Any]]:
    """The verdicts as plain data for the results file."""
    return [asdict(verdict) for verdict in found]

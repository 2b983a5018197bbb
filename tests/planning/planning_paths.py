"""Which path the planned app took for a request, read from its /metrics, and per corpus how
often it was the plan.

The differential comparison alone cannot tell a planned answer from a fallback: both give
the standard bytes. So each comparison reads the planned app's executor counters before and
after its request, and each corpus pins how many took the planned path (issue 15: no silent
fallback).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from graph.planning.answering import Fallback

if TYPE_CHECKING:
    from planning_twins import Comparison

PLANNED = "planned"
# No executor's answer was counted: the document failed validation or a limit, the cost
# check refused it, or (PLANNER_STRICT) the planner raised and the answer is that error.
NOT_EXECUTED = "not_executed"
# A fallback for the answer's sake: the answer must then be an error, or the planner made
# one up (a ClientError it should not raise) and standard execution hid it.
ERROR_ANSWERS = frozenset({Fallback.CLIENT_ERROR.value, Fallback.MISSING_ROW.value})

EXECUTION_SAMPLE = re.compile(
    r'^graph_execution_(planned|standard)_total(?:\{reason="(\w+)"\})? (\d+)$', re.MULTILINE
)


async def executor_counts(http: httpx.AsyncClient) -> Counter[str]:
    """The app's executor counters: `planned`, and the standard path's by reason."""
    metrics = (await http.get("/metrics")).text
    counts = Counter(
        {reason or kind: int(value) for kind, reason, value in EXECUTION_SAMPLE.findall(metrics)}
    )
    assert PLANNED in counts, f"no graph_execution_planned_total in /metrics:\n{metrics}"
    assert set(counts) - {PLANNED} == {str(reason) for reason in Fallback}, metrics
    return counts


def path_taken(before: Counter[str], after: Counter[str]) -> str:
    """The one counter a request moved (`planned` or a fallback reason); NOT_EXECUTED if none."""
    moved = after - before
    if not moved:
        return NOT_EXECUTED
    assert list(moved.values()) == [1], f"one request, several answers counted: {moved}"
    (path,) = moved
    return path


@dataclass
class Paths:
    """How many comparisons of one corpus and caller took each path, by kind of answer."""

    clean: Counter[str] = field(default_factory=Counter)  # data and no errors
    errors: Counter[str] = field(default_factory=Counter)  # answers with errors
    # Comparisons no fallback should explain: the planner raised, or fell back for an error
    # while the answer has none (it raised a ClientError graphql-core does not).
    suspects: list[Comparison] = field(default_factory=list)

    def add(self, compared: Comparison) -> None:
        clean = compared.answer.cacheable
        (self.clean if clean else self.errors)[compared.path] += 1
        if compared.path == Fallback.FAILED or (clean and compared.path in ERROR_ANSWERS):
            self.suspects.append(compared)

    @property
    def planned_share(self) -> float:
        """The share of answers without errors that the plan gave (1.0 when there are none)."""
        total = self.clean.total()
        return self.clean[PLANNED] / total if total else 1.0

    def __str__(self) -> str:
        return (
            f"planned {self.clean[PLANNED]} of {self.clean.total()} answers without errors "
            f"({self.planned_share:.1%}); standard on answers without errors: "
            f"{dict(self.clean - Counter({PLANNED: self.clean[PLANNED]}))}; "
            f"answers with errors: {dict(self.errors)}"
        )

    def report_suspects(self) -> str:
        """Each suspect comparison, with the path it took."""
        return "\n".join(f"{compared.path}: {compared}" for compared in self.suspects)

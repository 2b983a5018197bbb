"""Results as a table: each run's figures and, beside them, their ratio to the matching floor.

Absolute numbers drift by tens of percent between runs on shared machines; the ratios to a
floor measured in the same run, on the same data and machine, drift far less. The cold API
is read against the DB floor (the least a handler must do to answer from the database), the
warm API against the HTTP floor (the least any Python server here does for the same bytes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RUNS = ("cold", "db_floor", "warm", "http_floor")
RUN_NAMES = {
    "cold": "cold",
    "warm": "warm",
    "db_floor": "DB floor",
    "http_floor": "HTTP floor",
}
# Which floor each run is read against.
FLOOR_OF = {"cold": "db_floor", "warm": "http_floor"}


@dataclass(frozen=True)
class Measurement:
    """One run of one operation under load."""

    requests_per_s: float
    # None when no request finished within the run.
    p50_ms: float | None
    p99_ms: float | None
    errors: int = 0
    peak_rss_mb: float | None = None
    sql_per_request: int | None = None


@dataclass(frozen=True)
class Ratios:
    """A run's figures divided by its floor's: below 1 for req/s, above 1 for time and memory."""

    requests_per_s: float | None
    p50_ms: float | None
    p99_ms: float | None
    peak_rss_mb: float | None
    sql_per_request: float | None


@dataclass
class OperationResult:
    """Everything measured for one operation."""

    label: str
    name: str
    variables: dict[str, Any]
    response_bytes: int
    runs: dict[str, Measurement] = field(default_factory=dict)

    def ratios(self, run: str) -> Ratios | None:
        """The run against its floor; None when either was not measured."""
        mine, floor = self.runs.get(run), self.runs.get(FLOOR_OF.get(run, ""))
        if mine is None or floor is None:
            return None
        return Ratios(
            ratio(mine.requests_per_s, floor.requests_per_s),
            ratio(mine.p50_ms, floor.p50_ms),
            ratio(mine.p99_ms, floor.p99_ms),
            ratio(mine.peak_rss_mb, floor.peak_rss_mb),
            ratio(mine.sql_per_request, floor.sql_per_request),
        )


def ratio(value: float | None, floor: float | None) -> float | None:
    """value / floor, or None when either is unknown or the floor is zero."""
    if value is None or floor is None or floor == 0:
        return None
    return value / floor


NOTHING = "\N{EN DASH}"
TIMES = "\N{MULTIPLICATION SIGN}"


def _number(value: float | None, digits: int = 0) -> str:
    return NOTHING if value is None else f"{value:,.{digits}f}"


def _times(value: float | None) -> str:
    if value is None:
        return NOTHING
    return f"{value:.2f}{TIMES}" if value < 10 else f"{value:.0f}{TIMES}"


HEADER = (
    "operation", "run", "req/s", "p50 ms", "p99 ms", "SQL/req", "peak RSS MB",
    "vs floor", "req/s", "p50", "p99", "SQL", "RSS",
)  # fmt: skip


def rows(results: list[OperationResult]) -> list[tuple[str, ...]]:
    """The table's rows: per operation, one row per run that was measured."""
    table: list[tuple[str, ...]] = []
    for result in results:
        label = result.label
        for run in RUNS:
            measured = result.runs.get(run)
            if measured is None:
                continue
            ratios = result.ratios(run)
            against = RUN_NAMES[FLOOR_OF[run]] if ratios is not None else ""
            table.append(
                (
                    label, RUN_NAMES[run], _number(measured.requests_per_s),
                    _number(measured.p50_ms, 1), _number(measured.p99_ms, 1),
                    _number(measured.sql_per_request), _number(measured.peak_rss_mb),
                    against, *_ratio_cells(ratios),
                )
            )  # fmt: skip
            label = ""
    return table


def _ratio_cells(ratios: Ratios | None) -> tuple[str, ...]:
    if ratios is None:
        return ("",) * 5
    return tuple(
        _times(value)
        for value in (
            ratios.requests_per_s,
            ratios.p50_ms,
            ratios.p99_ms,
            ratios.sql_per_request,
            ratios.peak_rss_mb,
        )
    )


def text_table(results: list[OperationResult]) -> str:
    """The table for a terminal: aligned columns, text left, numbers right."""
    table = [HEADER, *rows(results)]
    widths = [max(len(row[column]) for row in table) for column in range(len(HEADER))]
    lines = []
    for row in table:
        cells = [
            cell.ljust(width) if column in (0, 1, 7) else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def markdown_table(results: list[OperationResult]) -> str:
    """The same table in Markdown."""
    align = ["---" if column in (0, 1, 7) else "---:" for column in range(len(HEADER))]
    lines = [_markdown_row(HEADER), _markdown_row(tuple(align))]
    lines += [_markdown_row(row) for row in rows(results)]
    return "\n".join(lines)


def _markdown_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def as_json(results: list[OperationResult]) -> list[dict[str, Any]]:
    """Plain data for the results file."""
    return [asdict(result) for result in results]

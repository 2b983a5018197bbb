"""Results as tables: each run's figures beside their ratio to the matching floor, planned
against standard execution, and the issue's targets.

Absolute numbers drift by tens of percent between runs on shared machines; the ratios to a
floor measured in the same run, on the same data and machine, drift far less. The cold API,
on either executor, is read against the DB floor (the least a handler must do to answer from
the database), the warm API against the HTTP floor (the least any Python server here does for
the same bytes). Planned cold divided by standard cold is what the planner gains. The peer
(PostGraphile, see `benchmarks.peer`) is read against the DB floor too; our cold figures
against the peer's are in `benchmarks.peer.report`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

RUNS = ("cold", "single", "standard", "peer", "db_floor", "warm", "http_floor")
RUN_NAMES = {
    "cold": "cold (planned)",
    "single": "cold, 1 connection",
    "standard": "cold (standard)",
    "peer": "peer (PostGraphile)",
    "warm": "warm",
    "db_floor": "DB floor",
    "http_floor": "HTTP floor",
}
# Which floor each run is read against. `single` (one request at a time) has none: the
# floors are measured under load.
FLOOR_OF = {"cold": "db_floor", "standard": "db_floor", "peer": "db_floor", "warm": "http_floor"}


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
    # The server's own CPU time (user + system, all its processes) per completed request.
    cpu_ms_per_request: float | None = None


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
        return self.versus(run, FLOOR_OF.get(run, ""))

    def versus(self, run: str, other: str) -> Ratios | None:
        """One run's figures divided by another's; None when either was not measured."""
        mine, theirs = self.runs.get(run), self.runs.get(other)
        if mine is None or theirs is None:
            return None
        return Ratios(
            ratio(mine.requests_per_s, theirs.requests_per_s),
            ratio(mine.p50_ms, theirs.p50_ms),
            ratio(mine.p99_ms, theirs.p99_ms),
            ratio(mine.peak_rss_mb, theirs.peak_rss_mb),
            ratio(mine.sql_per_request, theirs.sql_per_request),
        )


def ratio(value: float | None, floor: float | None) -> float | None:
    """value / floor, or None when either is unknown or the floor is zero."""
    if value is None or floor is None or floor == 0:
        return None
    return value / floor


NOTHING = "\N{EN DASH}"
TIMES = "\N{MULTIPLICATION SIGN}"


def format_number(value: float | None, digits: int = 0) -> str:
    return NOTHING if value is None else f"{value:,.{digits}f}"


def format_times(value: float | None) -> str:
    if value is None:
        return NOTHING
    return f"{value:.2f}{TIMES}" if value < 10 else f"{value:.0f}{TIMES}"


HEADER = (
    "operation", "run", "req/s", "p50 ms", "p99 ms", "SQL/req", "peak RSS MB", "CPU ms/req",
    "vs floor", "req/s", "p50", "p99", "SQL", "RSS",
)  # fmt: skip
LEFT = (0, 1, 8)  # text columns; the others are numbers, aligned right


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
                    label, RUN_NAMES[run], format_number(measured.requests_per_s),
                    format_number(measured.p50_ms, 1), format_number(measured.p99_ms, 1),
                    format_number(measured.sql_per_request), format_number(measured.peak_rss_mb),
                    format_number(measured.cpu_ms_per_request, 2), against, *_ratio_cells(ratios),
                )
            )  # fmt: skip
            label = ""
    return table


def _ratio_cells(ratios: Ratios | None) -> tuple[str, ...]:
    if ratios is None:
        return ("",) * 5
    return tuple(
        format_times(value)
        for value in (
            ratios.requests_per_s,
            ratios.p50_ms,
            ratios.p99_ms,
            ratios.sql_per_request,
            ratios.peak_rss_mb,
        )
    )


GAIN_TITLE = "Cold, planned ÷ standard execution (req/s above 1, time and SQL below 1 are gains)"
GAIN_HEADER = ("operation", "req/s", "p50", "p99", "SQL/req")


def gain_rows(results: list[OperationResult]) -> list[tuple[str, ...]]:
    """Planned cold ÷ standard cold, per operation where both ran."""
    table: list[tuple[str, ...]] = []
    for result in results:
        gain = result.versus("cold", "standard")
        if gain is not None:
            table.append((result.label, *_ratio_cells(gain)[:4]))  # memory is the floors' story
    return table


def text_table(results: list[OperationResult]) -> str:
    """The table for a terminal: aligned columns, text left, numbers right."""
    return aligned([HEADER, *rows(results)], LEFT)


def markdown_table(results: list[OperationResult]) -> str:
    """The same table in Markdown."""
    return markdown([HEADER, *rows(results)], LEFT)


def text_gains(results: list[OperationResult]) -> str:
    """Planned ÷ standard for a terminal, with its heading; empty when not both ran."""
    found = gain_rows(results)
    if not found:
        return ""
    return f"{GAIN_TITLE}:\n" + aligned([GAIN_HEADER, *found], (0,))


def markdown_gains(results: list[OperationResult]) -> str:
    """Planned ÷ standard in Markdown, with its heading; empty when not both ran."""
    found = gain_rows(results)
    if not found:
        return ""
    return f"{GAIN_TITLE}:\n\n" + markdown([GAIN_HEADER, *found], (0,))


def aligned(table: list[tuple[str, ...]], left: tuple[int, ...]) -> str:
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]))]
    lines = []
    for row in table:
        cells = [
            cell.ljust(width) if column in left else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def markdown(table: list[tuple[str, ...]], left: tuple[int, ...]) -> str:
    align = tuple("---" if column in left else "---:" for column in range(len(table[0])))
    return "\n".join(_markdown_row(row) for row in [table[0], align, *table[1:]])


def _markdown_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


@dataclass(frozen=True)
class Metric:
    """A figure of the planned cold run that a target can be set on."""

    read: Callable[[OperationResult], float | None]
    # The runs it is read from: without them the target was not measured.
    needs: tuple[str, ...]
    at_least: bool
    show: Callable[[float | None], str]


def _cold_requests_per_s(result: OperationResult) -> float | None:
    return result.runs["cold"].requests_per_s


def _cold_share_of_db_floor(result: OperationResult) -> float | None:
    ratios = result.ratios("cold")
    return ratios.requests_per_s if ratios is not None else None


def _cold_p99_ms(result: OperationResult) -> float | None:
    return result.runs["cold"].p99_ms


def _cold_share_of_peer(result: OperationResult) -> float | None:
    ratios = result.versus("cold", "peer")
    return ratios.requests_per_s if ratios is not None else None


def _cold_cpu_ms(result: OperationResult) -> float | None:
    return result.runs["cold"].cpu_ms_per_request


def _milliseconds(value: float | None) -> str:
    return format_number(value, 1)


def _cpu_milliseconds(value: float | None) -> str:
    return format_number(value, 2)


METRICS = {
    "req/s": Metric(_cold_requests_per_s, ("cold",), at_least=True, show=format_number),
    "req/s ÷ DB floor": Metric(
        _cold_share_of_db_floor, ("cold", "db_floor"), at_least=True, show=format_times
    ),
    "p99 ms": Metric(_cold_p99_ms, ("cold",), at_least=False, show=_milliseconds),
    "req/s ÷ peer": Metric(_cold_share_of_peer, ("cold", "peer"), at_least=True, show=format_times),
    "CPU ms/req": Metric(_cold_cpu_ms, ("cold",), at_least=False, show=_cpu_milliseconds),
}


@dataclass(frozen=True)
class Target:
    """What the issue asks of one operation on the planned cold server, at TARGET_SIZE."""

    operation: str
    metric: str  # a key of METRICS
    threshold: float

    def __str__(self) -> str:
        sign = "≥" if METRICS[self.metric].at_least else "≤"
        return f"{self.metric} {sign} {self.threshold:g}"


TARGET_SIZE = "M"
TARGETS = (
    Target("RelaysWithPosts", "req/s", 400),
    Target("RelaysWithPosts", "req/s ÷ DB floor", 0.35),
    Target("RelayPage", "req/s", 800),
    Target("PostPage", "p99 ms", 25),
)


@dataclass(frozen=True)
class Verdict:
    """A target beside its measured value: met, not met, or None when not evaluated."""

    target: Target
    value: float | None
    met: bool | None
    why: str = ""  # when met is None: not measured, or not the targets' size


def verdicts(
    results: list[OperationResult], size: str, targets: tuple[Target, ...] = TARGETS
) -> list[Verdict]:
    """Every target against this run; evaluated only on TARGET_SIZE."""
    by_label = {result.label: result for result in results}
    return [_verdict(target, by_label.get(target.operation), size) for target in targets]


def _verdict(target: Target, result: OperationResult | None, size: str) -> Verdict:
    metric = METRICS[target.metric]
    if result is None or any(run not in result.runs for run in metric.needs):
        return Verdict(target, None, None, "not measured")
    value = metric.read(result)
    if size != TARGET_SIZE:
        return Verdict(target, value, None, f"not evaluated on {size}")
    if value is None:  # no request finished within the run
        return Verdict(target, None, False)
    met = value >= target.threshold if metric.at_least else value <= target.threshold
    return Verdict(target, value, met)


TARGET_HEADER = ("operation", "target (cold, planned)", "measured", "")


def target_rows(found: list[Verdict]) -> list[tuple[str, ...]]:
    """One row per target: operation, target, measured value, met or not."""
    return [
        (
            verdict.target.operation,
            str(verdict.target),
            METRICS[verdict.target.metric].show(verdict.value),
            _outcome(verdict),
        )
        for verdict in found
    ]


def _outcome(verdict: Verdict) -> str:
    if verdict.met is None:
        return verdict.why
    return "met" if verdict.met else "not met"


def targets_title(size: str, name: str = "Targets") -> str:
    """The targets' heading: for the size they are set on, or labelled as not for this one."""
    if size == TARGET_SIZE:
        return f"{name} ({TARGET_SIZE})"
    return f"{name} (targets are for {TARGET_SIZE}; this run is {size})"


def text_targets(found: list[Verdict], size: str, name: str = "Targets") -> str:
    """The targets for a terminal, with their heading."""
    table = [TARGET_HEADER, *target_rows(found)]
    return f"{targets_title(size, name)}:\n" + aligned(table, (0, 1, 3))


def markdown_targets(found: list[Verdict], size: str, name: str = "Targets") -> str:
    """The targets in Markdown, with their heading."""
    table = [TARGET_HEADER, *target_rows(found)]
    return f"{targets_title(size, name)}:\n\n" + markdown(table, (0, 1, 3))


def as_json(results: list[OperationResult]) -> list[dict[str, Any]]:
    """Plain data for the results file."""
    return [asdict(result) for result in results]


def targets_json(found: list[Verdict]) -> list[dict[str, Any]]:
    """The targets and their verdicts as plain data for the results file."""
    return [asdict(verdict) for verdict in found]

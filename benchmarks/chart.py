"""A PNG chart: requests/s per operation, cold (planned and standard) and warm beside their
floors and the peer (matplotlib). The one-connection run is left out: its requests/s is one
over its latency, not a throughput."""

from __future__ import annotations

from pathlib import Path

from benchmarks.report import RUN_NAMES, RUNS, OperationResult

COLOURS = {
    "cold": "#c0392b",
    "standard": "#7b241c",
    "peer": "#5b7f2a",
    "db_floor": "#e6a09a",
    "warm": "#1f6f8b",
    "http_floor": "#94c6d6",
}
CHARTED = tuple(run for run in RUNS if run in COLOURS)


class ChartUnavailable(Exception):
    """matplotlib is not installed (it lives in the `bench` dependency group)."""


def check_available() -> None:
    """Import matplotlib now, so a missing one is said at the start of a run, not its end."""
    try:
        import matplotlib  # noqa: F401  (imported for its side effect: loaded or not)
    except ImportError as error:
        raise ChartUnavailable("run with `uv run --group bench` to draw the chart") from error


def write_chart(results: list[OperationResult], path: Path, title: str) -> Path:
    """Grouped bars, one group per operation, on a log scale (floors are far apart)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError as error:
        raise ChartUnavailable("run with `uv run --group bench` to draw the chart") from error
    figure, axes = pyplot.subplots(figsize=(12, 5.5), dpi=110)
    width = 0.8 / len(CHARTED)
    for offset, run in enumerate(CHARTED):
        positions = [
            index + (offset - (len(CHARTED) - 1) / 2) * width for index in range(len(results))
        ]
        values = [
            result.runs[run].requests_per_s if run in result.runs else 0 for result in results
        ]
        bars = axes.bar(positions, values, width, label=RUN_NAMES[run], color=COLOURS[run])
        axes.bar_label(bars, fmt="{:,.0f}", fontsize=7, rotation=90, padding=2)
    axes.set_xticks(
        range(len(results)), [result.label for result in results], rotation=20, ha="right"
    )
    axes.set_yscale("log")
    axes.margins(y=0.15)  # room for the labels above the tallest bars
    axes.set_ylabel("requests/s (log scale)")
    axes.set_title(title)
    axes.grid(axis="y", which="both", alpha=0.3)
    axes.legend(ncols=len(CHARTED), loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)
    return path

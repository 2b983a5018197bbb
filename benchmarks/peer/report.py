"""Our cold figures against the peer's, and issue 15's targets.

Each ratio is ours ÷ PostGraphile's in the same run, on the same data and machine: above 1
for requests/s is ahead, below 1 for time and CPU is ahead. Our side is always our named
operation as the frontend sends it; where the peer's version asks less (no contributors, no
neighbours) or reaches the same rows another way, the table says so in its last column.

Issue 15's targets, judged on M like the others:
- cold planned ≥ 1.3 times PostGraphile's requests/s on RelaysWithPosts, RelayPage and PostPage,
  ≥ 1.0 times on every other operation it can express;
- RelaysWithPosts ≤ 1.5 ms of server-process CPU per request, cold planned;
- cold planned ≥ 0.7 times the DB floor's requests/s on every operation.
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.operations import PEER_SHAPED
from benchmarks.peer.documents import PEER_DOCUMENTS, peer_label
from benchmarks.report import (
    RUN_NAMES,
    OperationResult,
    Target,
    Verdict,
    aligned,
    format_number,
    format_times,
    markdown,
    markdown_targets,
    ratio,
    text_targets,
    verdicts,
)

TITLE = "Cold ÷ peer (PostGraphile; req/s above 1, time and CPU below 1 are ours ahead)"
HEADER = (
    "operation", "run", "req/s", "peer req/s", "req/s ÷ peer", "p50 ÷ peer", "p99 ÷ peer",
    "CPU ms/req", "peer CPU ms/req", "CPU ÷ peer", "peer's version",
)  # fmt: skip
LEFT = (0, 1, 10)
COLD_RUNS = ("cold", "standard")

TARGETS_NAME = "Issue 15 targets"
AHEAD = tuple(peer_label(name) for name in ("RelaysWithPosts", "RelayPage", "PostPage"))
AHEAD_BY, LEVEL, CPU_MS, FLOOR_SHARE = 1.3, 1.0, 1.5, 0.7


def rows(results: list[OperationResult]) -> list[tuple[str, ...]]:
    """Per operation the peer ran, one row per cold run of ours."""
    table: list[tuple[str, ...]] = []
    for result in results:
        peer = result.runs.get("peer")
        if peer is None:
            continue
        label = result.label
        for run in COLD_RUNS:
            ours, against = result.runs.get(run), result.versus(run, "peer")
            if ours is None or against is None:
                continue
            cpu = ratio(ours.cpu_ms_per_request, peer.cpu_ms_per_request)
            table.append(
                (
                    label, RUN_NAMES[run], format_number(ours.requests_per_s),
                    format_number(peer.requests_per_s), format_times(against.requests_per_s),
                    format_times(against.p50_ms), format_times(against.p99_ms),
                    format_number(ours.cpu_ms_per_request, 2),
                    format_number(peer.cpu_ms_per_request, 2), format_times(cpu),
                    PEER_DOCUMENTS[result.name].shape,
                )
            )  # fmt: skip
            label = ""
    return table


def not_expressed(results: list[OperationResult]) -> list[str]:
    """The labels of operations the peer has no version of."""
    return [result.label for result in results if result.name not in PEER_DOCUMENTS]


def _footer(results: list[OperationResult]) -> str:
    missing = not_expressed(results)
    if not missing:
        return ""
    return (
        f"The peer cannot express {', '.join(missing)} (search, and an organisation's authors "
        "by name with its posts listed once); what each version leaves out is in "
        "benchmarks/peer/*.graphql."
    )


def text(results: list[OperationResult]) -> str:
    """The table for a terminal, with its heading; empty when the peer did not run."""
    return _table(results, aligned, "\n")


def markdown_text(results: list[OperationResult]) -> str:
    """The table in Markdown, with its heading; empty when the peer did not run."""
    return _table(results, markdown, "\n\n")


def _table(
    results: list[OperationResult],
    layout: Callable[[list[tuple[str, ...]], tuple[int, ...]], str],
    gap: str,
) -> str:
    found = rows(results)
    if not found:
        return ""
    footer = _footer(results)
    return f"{TITLE}:{gap}" + layout([HEADER, *found], LEFT) + (f"{gap}{footer}" if footer else "")


def targets(results: list[OperationResult]) -> tuple[Target, ...]:
    """Issue 15's targets for the operations of this run (the three named always)."""
    expressed = [
        result.label
        for result in results
        if result.name in PEER_DOCUMENTS
        # RelayPage and PostPage in full ask for more than the peer's versions.
        and (result.label in PEER_SHAPED or not PEER_DOCUMENTS[result.name].omitted)
    ]
    others = [label for label in expressed if label not in AHEAD]
    return (
        *(Target(label, "req/s ÷ peer", AHEAD_BY) for label in AHEAD),
        *(Target(label, "req/s ÷ peer", LEVEL) for label in others),
        Target("RelaysWithPosts", "CPU ms/req", CPU_MS),
        # Ours cut to the peer's fields has no floor of its own: the full operation has.
        *(
            Target(result.label, "req/s ÷ DB floor", FLOOR_SHARE)
            for result in results
            if result.label not in PEER_SHAPED
        ),
    )


def judged(results: list[OperationResult], size: str) -> list[Verdict]:
    """Issue 15's targets against this run; evaluated only on M."""
    return verdicts(results, size, targets(results))


def text_verdicts(results: list[OperationResult], size: str) -> str:
    """Issue 15's targets for a terminal, met or not."""
    return text_targets(judged(results, size), size, TARGETS_NAME)


def markdown_verdicts(results: list[OperationResult], size: str) -> str:
    """Issue 15's targets in Markdown, met or not."""
    return markdown_targets(judged(results, size), size, TARGETS_NAME)

"""The results as Markdown, and their place in BENCHMARKS.md between per-size markers."""

from __future__ import annotations

from pathlib import Path

import orjson

from benchmarks import search_targets
from benchmarks.database import Meta
from benchmarks.machine import Machine
from benchmarks.peer import install as peer_install
from benchmarks.peer import report as peer_report
from benchmarks.report import (
    OperationResult,
    markdown_gains,
    markdown_table,
    markdown_targets,
    verdicts,
)
from benchmarks.runner import Plan
from benchmarks.sizes import Size


def section(
    size: Size,
    meta: Meta,
    plan: Plan,
    machine: Machine,
    results: list[OperationResult],
    chart: str | None,
    notes: list[str],
    m_p50: float | None = None,
) -> str:
    """One size's results: the machine, the load, the operations, the chart, the table,
    planned against standard execution, cold against the peer, the issues' targets and the
    search targets (on L with the growth from `m_p50`, M's common-word p50)."""
    load = plan.load
    single = "; `single`: the same one request at a time" if "single" in plan.runs else ""
    lines = [
        f"### {size.name}: {size.posts:,} posts, {size.relays:,} relays, "
        f"{size.authors:,} authors, {size.organizations:,} organisations",
        "",
        *machine.lines(),
        f"- Load: wrk, {load.connections} connections, {load.threads} threads, "
        f"{load.duration_s:g} s per operation and run after {plan.warmup_s:g} s of warm-up; "
        f"{plan.workers} workers per server{single}",
        *_peer_line(plan),
        f"- Data: made in {meta.generated_s:.0f} s (seed {meta.seed}, generator {meta.generator})",
        "",
        "| operation | variables | response bytes |",
        "| --- | --- | ---: |",
        *(
            f"| {result.label} | `{orjson.dumps(result.variables).decode()}` | "
            f"{result.response_bytes:,} |"
            for result in results
        ),
        "",
    ]
    if chart is not None:
        lines += [f"![requests/s per operation, size {size.name}]({chart})", ""]
    lines += [markdown_table(results), ""]
    if notes:
        lines += [*(f"Note: {note}" for note in sorted(set(notes))), ""]
    gains = markdown_gains(results)
    lines += [gains, ""] if gains else []
    against_peer = peer_report.markdown_text(results)
    lines += [against_peer, ""] if against_peer else []
    lines += [markdown_targets(verdicts(results, size.name), size.name), ""]
    lines += [peer_report.markdown_verdicts(results, size.name), ""]
    searched = search_targets.markdown_text(search_targets.verdicts(results, size.name, m_p50))
    lines += [searched] if searched else []
    return "\n".join(lines).rstrip() + "\n"


def _peer_line(plan: Plan) -> list[str]:
    if plan.peer_folder is None:
        return []
    return [
        f"- Peer: {peer_install.describe(plan.peer_folder)}, preset amber, one Node process, "
        "same database (benchmarks/peer/)"
    ]


def markers(size: Size) -> tuple[str, str]:
    """The comments that fence one size's results in BENCHMARKS.md."""
    return f"<!-- bench:{size.name} -->", f"<!-- /bench:{size.name} -->"


def replace_section(document: str, size: Size, text: str) -> str:
    """`document` with this size's fenced results replaced (appended when not there yet)."""
    start, end = markers(size)
    fenced = f"{start}\n{text}{end}"
    if start in document and end in document:
        before, rest = document.split(start, 1)
        _, after = rest.split(end, 1)
        return before + fenced + after
    return document.rstrip("\n") + "\n\n" + fenced + "\n"


def write(path: Path, size: Size, text: str) -> None:
    """Put this size's results into the document at `path`."""
    document = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(replace_section(document, size, text), encoding="utf-8")

"""`graph bench`: its arguments, and the run from data to table, files and chart."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from benchmarks import database, operations, publish, report, runner, search_targets, wrk
from benchmarks.chart import ChartUnavailable, check_available, write_chart
from benchmarks.machine import ROOT, describe, invoked_command
from benchmarks.peer import answers as peer_answers
from benchmarks.peer import install as peer_install
from benchmarks.peer import report as peer_report
from benchmarks.probe import ExecutorsDiffer, OperationFailed
from benchmarks.servers import ServerFailed
from benchmarks.sizes import SIZES, Size
from graph.settings import get_settings

DEFAULT_SERVER = "psycopg://postgres@127.0.0.1:5432/postgres"
BENCHMARKS = ROOT / "BENCHMARKS.md"
CHARTS = ROOT / "benchmarks"


class UsageError(Exception):
    """An option names something the bench does not know."""


FAILURES = (
    UsageError,
    database.BenchDatabaseError,
    wrk.WrkError,
    runner.FloorMismatch,
    OperationFailed,
    ExecutorsDiffer,
    ServerFailed,
    peer_install.PeerUnavailable,
    peer_answers.PeerFailed,
    peer_answers.PeerDiffers,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `graph bench`."""
    parser.add_argument("--size", choices=list(SIZES), default="S", help="data size (default S)")
    parser.add_argument(
        "--server",
        help="PostgreSQL to use, as psycopg://user@host:port/db; the bench database is made "
        f"beside that one (default: DATABASE_URL if PostgreSQL, else {DEFAULT_SERVER})",
    )
    parser.add_argument("--database", help="bench database name (default graph_bench_<size>)")
    parser.add_argument("--workers", type=int, default=2, help="workers per server (default 2)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--runs",
        type=_runs,
        help=f"which servers to measure, comma-separated, of {','.join(runner.RUNS)} (default "
        f"{','.join(runner.DEFAULT_RUNS)}; with --publish also peer: PostGraphile, installed "
        "with npm on first use)",
    )
    parser.add_argument("--operations", help="only these operation labels, comma-separated")
    parser.add_argument("--output", default="bench-results", help="results folder")
    parser.add_argument(
        "--generate-only", action="store_true", help="make the bench database, measure nothing"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="also write the results into BENCHMARKS.md and benchmarks/<size>.png",
    )


def _runs(text: str) -> tuple[str, ...]:
    runs = tuple(run.strip() for run in text.split(",") if run.strip())
    unknown = sorted(set(runs) - set(runner.RUNS))
    if unknown or not runs:
        raise argparse.ArgumentTypeError(f"unknown runs {unknown}; choose from {runner.RUNS}")
    return runs


def chosen_runs(args: argparse.Namespace) -> tuple[str, ...]:
    """--runs, else the default runs, and the peer too when the results are published."""
    if args.runs:
        return tuple(args.runs)
    return (*runner.DEFAULT_RUNS, "peer") if args.publish else runner.DEFAULT_RUNS


def run(args: argparse.Namespace) -> None:
    """Entry point: a clear message and exit status 1 for everything that stops a run."""
    # One line per request the bench itself sends would bury the progress lines.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        _run(args)
    except FAILURES as error:
        sys.exit(f"graph bench: {error}")


def server_url(given: str | None) -> str:
    """--server, else DATABASE_URL when it is PostgreSQL, else the local default."""
    if given:
        return given
    configured = get_settings().database_url
    return configured if configured.startswith(("psycopg", "postgres")) else DEFAULT_SERVER


def _run(args: argparse.Namespace) -> None:
    size = SIZES[args.size]
    url = database.database_url(
        server_url(args.server), args.database or database.default_name(size)
    )
    meta = database.prepare(url, size)
    if args.generate_only:
        return
    wrk.executable()  # before minutes of work, not after
    runs = chosen_runs(args)
    peer_folder = peer_install.ensure() if "peer" in runs else None
    _check_chart()
    chosen = _chosen(operations.pick(url, meta), args.operations)
    plan = runner.Plan(
        database_url=url,
        workers=args.workers,
        load=wrk.Load(args.connections, args.threads, args.duration),
        warmup_s=args.warmup,
        output=Path(args.output),
        runs=runs,
        peer_folder=peer_folder,
    )
    plan.output.mkdir(parents=True, exist_ok=True)
    print("probing each operation in-process (responses, SQL statements)")
    bench = runner.start(plan, chosen)
    results = runner.measure(bench)
    print()
    print(report.text_table(results))
    for note in sorted(set(bench.notes)):
        print(f"note: {note}")
    m_p50 = _m_common_p50(plan.output) if size.name == "L" else None
    searched = search_targets.verdicts(results, size.name, m_p50)
    for part in (
        report.text_gains(results),
        peer_report.text(results),
        _text_targets(results, size),
        peer_report.text_verdicts(results, size.name),
        search_targets.text(searched),
    ):
        if part:
            print(f"\n{part}")
    _write_results(args, size, meta, plan, bench, results, m_p50)


def _m_common_p50(output: Path) -> float | None:
    """The common word's single-request p50 of the M run whose results are in `output`."""
    found = output / "M.json"
    if not found.exists():
        return None
    return search_targets.common_p50(orjson.loads(found.read_bytes()))


def _text_targets(results: list[report.OperationResult], size: Size) -> str:
    return report.text_targets(report.verdicts(results, size.name), size.name)


def _chosen(found: list[operations.Operation], only: str | None) -> list[operations.Operation]:
    if not only:
        return found
    wanted = {label.strip() for label in only.split(",")}
    unknown = wanted - {operation.label for operation in found}
    if unknown:
        known = ", ".join(operation.label for operation in found)
        raise UsageError(f"unknown operations {sorted(unknown)}; known: {known}")
    return [operation for operation in found if operation.label in wanted]


def _write_results(
    args: argparse.Namespace,
    size: Size,
    meta: database.Meta,
    plan: runner.Plan,
    bench: runner.Bench,
    results: list[report.OperationResult],
    m_p50: float | None,
) -> None:
    machine = describe(plan.database_url, invoked_command())
    title = (
        f"graph bench, size {size.name}: requests/s ({plan.workers} workers, {machine.cores} cores)"
    )
    chart = _chart(results, plan.output / f"{size.name}.png", title)
    data: dict[str, Any] = {
        "size": asdict(size),
        "meta": asdict(meta),
        "machine": asdict(machine),
        "results": report.as_json(results),
        "targets": report.targets_json(report.verdicts(results, size.name)),
        "peer": peer_install.describe(plan.peer_folder) if plan.peer_folder else None,
        "peer_targets": report.targets_json(peer_report.judged(results, size.name)),
        "search_targets": search_targets.as_json(
            search_targets.verdicts(results, size.name, m_p50)
        ),
        "notes": sorted(set(bench.notes)),
    }
    (plan.output / f"{size.name}.json").write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    text = publish.section(
        size, meta, plan, machine, results, chart.name if chart else None, bench.notes, m_p50
    )
    (plan.output / f"{size.name}.md").write_text(text, encoding="utf-8")
    print(f"wrote {plan.output / f'{size.name}.md'} and .json" + (f", {chart}" if chart else ""))
    if args.publish:
        published = _chart(results, CHARTS / f"{size.name}.png", title)
        link = f"benchmarks/{size.name}.png" if published else None
        publish.write(
            BENCHMARKS,
            size,
            publish.section(size, meta, plan, machine, results, link, bench.notes, m_p50),
        )
        print(f"published to {BENCHMARKS}" + (f" and {published}" if published else ""))


def _check_chart() -> None:
    try:
        check_available()
    except ChartUnavailable as error:
        print(f"no chart at the end: {error}")


def _chart(results: list[report.OperationResult], path: Path, title: str) -> Path | None:
    try:
        return write_chart(results, path, title)
    except ChartUnavailable as error:
        print(f"no chart: {error}")
        return None

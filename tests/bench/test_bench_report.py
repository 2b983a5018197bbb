"""The bench report: ratios to the right floor, planned against standard execution, the
targets, the table, BENCHMARKS.md sections, wrk's output."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest

from benchmarks import publish, wrk
from benchmarks.database import Meta
from benchmarks.machine import Machine
from benchmarks.probe import ExecutorsDiffer, check_same
from benchmarks.report import (
    TARGETS,
    TIMES,
    Measurement,
    OperationResult,
    Target,
    gain_rows,
    markdown_table,
    ratio,
    text_gains,
    text_table,
    text_targets,
    verdicts,
)
from benchmarks.runner import Plan, first_difference
from benchmarks.sizes import SIZES


def result() -> OperationResult:
    made = OperationResult("RelayPage", "RelayPage", {"slug": "s"}, 1234)
    made.runs = {
        "cold": Measurement(250.0, 40.0, 120.0, peak_rss_mb=300.0, sql_per_request=8),
        "standard": Measurement(100.0, 80.0, 600.0, peak_rss_mb=310.0, sql_per_request=10),
        "db_floor": Measurement(1000.0, 10.0, 30.0, peak_rss_mb=150.0, sql_per_request=1),
        "warm": Measurement(9000.0, 3.0, 9.0, peak_rss_mb=320.0, sql_per_request=0),
        "http_floor": Measurement(12000.0, 2.0, 6.0, peak_rss_mb=100.0, sql_per_request=0),
    }
    return made


def test_ratio_divides_by_the_floor() -> None:
    assert ratio(250.0, 1000.0) == 0.25
    assert ratio(40.0, 10.0) == 4.0


@pytest.mark.parametrize(("value", "floor"), [(None, 1.0), (1.0, None), (1.0, 0.0)])
def test_ratio_is_unknown_without_a_usable_floor(value: float | None, floor: float | None) -> None:
    assert ratio(value, floor) is None


def test_cold_is_read_against_the_db_floor() -> None:
    ratios = result().ratios("cold")
    assert ratios is not None
    assert ratios.requests_per_s == 0.25
    assert ratios.p50_ms == 4.0
    assert ratios.p99_ms == 4.0
    assert ratios.peak_rss_mb == 2.0
    assert ratios.sql_per_request == 8.0


def test_warm_is_read_against_the_http_floor() -> None:
    ratios = result().ratios("warm")
    assert ratios is not None
    assert ratios.requests_per_s == 0.75
    assert ratios.p50_ms == 1.5
    assert ratios.sql_per_request is None  # the HTTP floor runs no SQL: no ratio to give


def test_floors_have_no_ratio_of_their_own() -> None:
    assert result().ratios("db_floor") is None


def test_a_run_without_its_floor_has_no_ratio() -> None:
    partial = result()
    del partial.runs["db_floor"]
    assert partial.ratios("cold") is None


def test_standard_execution_is_read_against_the_db_floor_too() -> None:
    ratios = result().ratios("standard")
    assert ratios is not None
    assert ratios.requests_per_s == 0.1
    assert ratios.sql_per_request == 10.0


def test_the_table_shows_each_run_with_its_ratios() -> None:
    lines = text_table([result()]).splitlines()
    cold = next(line for line in lines if " cold (planned) " in line)
    standard = next(line for line in lines if " cold (standard) " in line)
    warm = next(line for line in lines if " warm " in line)
    assert cold.split()[:5] == ["RelayPage", "cold", "(planned)", "250", "40.0"]
    assert "DB floor" in cold and f"0.25{TIMES}" in cold and f"8.00{TIMES}" in cold
    assert "DB floor" in standard and f"0.10{TIMES}" in standard
    assert "HTTP floor" in warm and f"0.75{TIMES}" in warm


def test_the_markdown_table_has_a_row_per_run() -> None:
    table = markdown_table([result()])
    assert table.count("\n") == 1 + 1 + 5 - 1  # header, rule, five runs
    assert "| RelayPage | cold (planned) | 250 |" in table
    assert "|  | cold (standard) | 100 |" in table


def test_planned_is_divided_by_standard() -> None:
    assert gain_rows([result()]) == [
        ("RelayPage", f"2.50{TIMES}", f"0.50{TIMES}", f"0.20{TIMES}", f"0.80{TIMES}")
    ]


def test_without_a_standard_run_there_is_no_gain_table() -> None:
    partial = result()
    del partial.runs["standard"]
    assert text_gains([partial]) == ""


def targets_met() -> list[OperationResult]:
    """Results that meet every target exactly, on the planned cold server."""
    made = []
    for label, cold_rps, floor_rps, p99 in [
        ("RelaysWithPosts", 400.0, 400.0 / 0.35, 90.0),
        ("RelayPage", 800.0, 1000.0, 90.0),
        ("PostPage", 100.0, 1000.0, 25.0),
    ]:
        one = OperationResult(label, label, {}, 100)
        one.runs = {
            "cold": Measurement(cold_rps, 10.0, p99),
            "db_floor": Measurement(floor_rps, 5.0, 20.0),
        }
        made.append(one)
    return made


def test_targets_are_met_at_their_thresholds_on_m() -> None:
    found = verdicts(targets_met(), "M")
    assert [verdict.met for verdict in found] == [True] * len(TARGETS)


def test_a_target_below_its_threshold_is_not_met() -> None:
    results = targets_met()
    results[1].runs["cold"] = Measurement(799.0, 10.0, 90.0)  # RelayPage
    relay_page = verdicts(results, "M")[TARGETS.index(Target("RelayPage", "req/s", 800))]
    assert (relay_page.value, relay_page.met) == (799.0, False)


def test_a_latency_target_is_not_met_when_no_request_finished() -> None:
    results = targets_met()
    results[2].runs["cold"] = Measurement(0.0, None, None)  # PostPage
    assert verdicts(results, "M")[-1].met is False


def test_targets_are_not_evaluated_on_other_sizes() -> None:
    found = verdicts(targets_met(), "S")
    assert all(verdict.met is None for verdict in found)
    assert found[2].value == 800.0  # the figure is still shown
    printed = text_targets(found, "S")
    assert printed.startswith("Targets (targets are for M; this run is S):")
    assert " met" not in printed


def test_a_target_on_an_operation_not_run_is_not_measured() -> None:
    printed = text_targets(verdicts(targets_met()[1:], "M"), "M")
    relays_with_posts = [line for line in printed.splitlines() if "RelaysWithPosts" in line]
    assert len(relays_with_posts) == 2
    assert all(line.endswith("not measured") for line in relays_with_posts)


def test_printed_targets_say_met_or_not() -> None:
    results = targets_met()
    results[0].runs["cold"] = Measurement(22.0, 10.0, 90.0)  # RelaysWithPosts
    lines = text_targets(verdicts(results, "M"), "M").splitlines()
    assert lines[0] == "Targets (M):"
    assert lines[2].split() == ["RelaysWithPosts", "req/s", "≥", "400", "22", "not", "met"]
    assert lines[3].endswith(f"0.02{TIMES}  not met")
    assert lines[5].endswith("25.0  met")


def test_a_published_section_has_the_gains_and_the_targets() -> None:
    machine = Machine("cpu", 2, 8.0, "15", "3.11", "today", "abc", "graph bench --size M")
    meta = Meta("M", 1, 1, 100, "kan", "sjælden", 1.0)
    plan = Plan("psycopg://x/y", 2, wrk.Load(), 2.0, Path("out"))
    text = publish.section(SIZES["M"], meta, plan, machine, [result()], None, [])
    assert f"| RelayPage | 2.50{TIMES} | 0.50{TIMES} |" in text
    assert "Targets (M):" in text
    assert "| RelayPage | req/s ≥ 800 | 250 | not met |" in text
    assert "\n\n\n" not in text  # one blank line between the parts


def test_a_new_size_section_is_appended_and_an_old_one_replaced() -> None:
    size = SIZES["M"]
    start, end = publish.markers(size)
    document = publish.replace_section("# Benchmarks\n\nHow to run.\n", size, "first\n")
    assert document.endswith(f"{start}\nfirst\n{end}\n")
    replaced = publish.replace_section(document + "\nAfter.\n", size, "second\n")
    assert "first" not in replaced
    assert replaced.startswith("# Benchmarks\n\nHow to run.\n")
    assert replaced.endswith(f"{start}\nsecond\n{end}\n\nAfter.\n")


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/graphql
  2 threads and 64 connections
  5000 requests in 10.00s, 1.00MB read
Requests/sec:    500.00
BENCH-RESULT 5000 10000000 3 12500.0 98000.0
"""


def test_wrk_figures_come_from_the_done_hook() -> None:
    parsed = wrk.parse(WRK_OUTPUT)
    assert parsed.requests_per_s == 500.0
    assert parsed.errors == 3
    assert (parsed.p50_ms, parsed.p99_ms) == (12.5, 98.0)


def test_wrk_output_without_figures_is_an_error() -> None:
    with pytest.raises(wrk.WrkError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_the_lua_script_quotes_any_body() -> None:
    script = wrk.script(b'{"query":"a]=]b"}')
    assert 'wrk.body = [==[{"query":"a]=]b"}]==]' in script


def test_a_floor_difference_names_its_place() -> None:
    want = {"data": {"relay": {"posts": [{"slug": "a"}, {"slug": "b"}]}}}
    got = {"data": {"relay": {"posts": [{"slug": "a"}, {"slug": "c"}]}}}
    assert first_difference(want, got).startswith(".data.relay.posts[1].slug: API 'b'")


def test_executors_that_answer_alike_pass() -> None:
    check_same("PostPage", b'{"data":{}}', b'{"data":{}}')


def test_executors_that_differ_are_named_with_the_place() -> None:
    with pytest.raises(ExecutorsDiffer, match=r"PostPage: .* differ at byte 10"):
        check_same("PostPage", b'{"data":{"a":1,"b":2}}', b'{"data":{"b":2,"a":1}}')


class _Answers(http.server.BaseHTTPRequestHandler):
    """Answers every POST with 200 and the body the test server was given."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body: bytes = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.parametrize(
    ("body", "all_errors"),
    [(b'{"data":null,"errors":[{"message":"Unexpected error."}]}', True), (b'{"data":{}}', False)],
)
def test_wrk_counts_graphql_errors_as_errors(tmp_path: Path, body: bytes, all_errors: bool) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    server.body = body  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/graphql"
        result = wrk.run(url, b'{"query":"{ a }"}', wrk.Load(2, 1, 1.0), tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests > 0
    assert result.errors == (result.requests if all_errors else 0)

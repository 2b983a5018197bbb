"""The bench report: ratios to the right floor, the table, BENCHMARKS.md sections, wrk's output."""

from __future__ import annotations

import pytest

from graph.bench import publish, wrk
from graph.bench.report import (
    TIMES,
    Measurement,
    OperationResult,
    markdown_table,
    ratio,
    text_table,
)
from graph.bench.runner import first_difference
from graph.bench.sizes import SIZES


def result() -> OperationResult:
    made = OperationResult("RelayPage", "RelayPage", {"slug": "s"}, 1234)
    made.runs = {
        "cold": Measurement(250.0, 40.0, 120.0, peak_rss_mb=300.0, sql_per_request=8),
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


def test_the_table_shows_each_run_with_its_ratios() -> None:
    lines = text_table([result()]).splitlines()
    cold = next(line for line in lines if " cold " in line)
    warm = next(line for line in lines if " warm " in line)
    assert cold.split()[:4] == ["RelayPage", "cold", "250", "40.0"]
    assert "DB floor" in cold and f"0.25{TIMES}" in cold and f"8.00{TIMES}" in cold
    assert "HTTP floor" in warm and f"0.75{TIMES}" in warm


def test_the_markdown_table_has_a_row_per_run() -> None:
    table = markdown_table([result()])
    assert table.count("\n") == 1 + 1 + 4 - 1  # header, rule, four runs
    assert "| RelayPage | cold | 250 |" in table


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

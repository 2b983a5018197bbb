"""Issue 14's search targets: the common word's search against the rare word's, judged on M
and L, with the growth from M to L read from the M run's results."""

from __future__ import annotations

from benchmarks import search_targets
from benchmarks.report import TIMES, Measurement, OperationResult, as_json, text_table


def searches(common_p50: float | None, common_rps: float) -> list[OperationResult]:
    """The two searches, measured cold under load and one request at a time."""
    common = OperationResult("Search common", "Search", {"query": "kan"}, 5000)
    common.runs = {
        "cold": Measurement(common_rps, 400.0, 900.0),
        "single": Measurement(1000 / (common_p50 or 10_000), common_p50, common_p50),
    }
    rare = OperationResult("Search rare", "Search", {"query": "sjælden"}, 700)
    rare.runs = {"cold": Measurement(400.0, 150.0, 500.0), "single": Measurement(200, 5.0, 6.0)}
    return [common, rare]


def test_the_targets_are_met_at_their_bounds() -> None:
    found = search_targets.verdicts(searches(15.0, 120.0), "M")
    assert [(verdict.value, verdict.met) for verdict in found] == [(3.0, True), (0.3, True)]
    assert found[0].source == "15.0 ms ÷ 5.0 ms"
    assert found[1].source == "120 req/s ÷ 400 req/s"


def test_a_common_word_past_the_bounds_misses_them() -> None:
    found = search_targets.verdicts(searches(350.0, 0.0), "M")
    assert [(verdict.value, verdict.met) for verdict in found] == [(70.0, False), (0.0, False)]


def test_a_common_word_that_never_finished_misses_the_latency_target() -> None:
    found = search_targets.verdicts(searches(None, 0.0), "L", m_p50=10.0)
    assert [verdict.met for verdict in found] == [False, False, False]


def test_other_sizes_show_the_figures_unjudged() -> None:
    found = search_targets.verdicts(searches(15.0, 120.0), "S")
    assert all(verdict.met is None and verdict.why == "not evaluated on S" for verdict in found)
    assert found[0].value == 3.0


def test_without_the_single_run_the_latency_target_is_not_measured() -> None:
    results = searches(15.0, 120.0)
    for result in results:
        del result.runs["single"]
    found = search_targets.verdicts(results, "M")
    assert (found[0].met, found[0].why) == (None, "not measured")
    assert found[1].met is True


def test_l_is_held_against_the_common_p50_of_the_m_results() -> None:
    m_run = {"results": as_json(searches(10.0, 120.0))}
    m_p50 = search_targets.common_p50(m_run)
    assert m_p50 == 10.0
    growth = search_targets.verdicts(searches(15.0, 120.0), "L", m_p50)[-1]
    assert (growth.value, growth.met, growth.source) == (1.5, True, "15.0 ms ÷ 10.0 ms")
    too_slow = search_targets.verdicts(searches(16.0, 120.0), "L", m_p50)[-1]
    assert too_slow.met is False


def test_l_without_m_results_says_so() -> None:
    growth = search_targets.verdicts(searches(15.0, 120.0), "L")[-1]
    assert growth.met is None and "no M results" in growth.why


def test_the_printed_targets_name_the_figures_and_the_verdicts() -> None:
    lines = search_targets.text(search_targets.verdicts(searches(20.0, 200.0), "M")).splitlines()
    assert lines[0].startswith("Search targets")
    assert lines[2].startswith("common p50 ÷ rare p50, single ≤ 3")
    assert f"4.00{TIMES}  20.0 ms ÷ 5.0 ms" in lines[2] and lines[2].endswith(" not met")
    assert f"0.50{TIMES}  200 req/s ÷ 400 req/s" in lines[3] and lines[3].endswith("  met")


def test_without_the_searches_nothing_is_printed() -> None:
    assert search_targets.text(search_targets.verdicts([], "M")) == ""
    assert search_targets.markdown_text(search_targets.verdicts([], "L")) == ""


def test_the_single_run_is_a_row_without_a_floor() -> None:
    lines = text_table(searches(15.0, 120.0)).splitlines()
    single = next(line for line in lines if "cold, 1 connection" in line)
    assert "15.0" in single.split()  # its p50 and p99
    assert "floor" not in single and TIMES not in single  # no floor, so no ratios

"""`graph bench` arguments: which servers a run measures."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.command import add_arguments, chosen_runs


def parse(*arguments: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_arguments(parser)
    return parser.parse_args(list(arguments))


def test_the_default_runs_measure_both_executors_cold_and_one_request_at_a_time() -> None:
    assert chosen_runs(parse()) == ("db_floor", "http_floor", "cold", "single", "standard", "warm")


def test_runs_can_name_the_standard_executor() -> None:
    assert chosen_runs(parse("--runs", "db_floor, cold,standard")) == (
        "db_floor",
        "cold",
        "standard",
    )


def test_published_results_also_measure_the_peer() -> None:
    assert chosen_runs(parse("--publish"))[-1] == "peer"


def test_runs_named_outright_are_kept_when_publishing() -> None:
    assert chosen_runs(parse("--publish", "--runs", "cold,peer")) == ("cold", "peer")


def test_an_unknown_run_is_refused() -> None:
    with pytest.raises(argparse.ArgumentError, match="unknown runs \\['planned'\\]"):
        parse("--runs", "cold,planned")

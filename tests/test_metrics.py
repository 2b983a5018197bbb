"""`/metrics` is Prometheus' text format: every metric described, the fallback reasons all shown."""

from __future__ import annotations

import re

import httpx

from graph.planning.answering import Fallback

SAMPLE = re.compile(r"^(graph_[a-z_]+)(\{[a-z_]+=\"[a-z_]+\"\})? \d+$")


async def test_every_metric_has_help_and_type(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    described = {line.split()[2] for line in lines if line.startswith("# HELP ")}
    typed = {line.split()[2] for line in lines if line.startswith("# TYPE ")}
    samples = [line for line in lines if not line.startswith("#")]
    assert samples
    for line in samples:
        found = SAMPLE.match(line)
        assert found is not None, line
        assert found.group(1) in described & typed, line


async def test_every_fallback_reason_is_shown(
    client: httpx.AsyncClient,
) -> None:
    text = (await client.get("/metrics")).text
    reasons = re.findall(r'^graph_execution_standard_total\{reason="(\w+)"\} \d+$', text, re.M)
    assert reasons == [reason.value for reason in Fallback]

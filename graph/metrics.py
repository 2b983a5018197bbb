"""`GET /metrics`: this process's counters in Prometheus' text format, each one described.

Executors (and why the standard one answered), database reconnects, jobs, budgets and the
response cache. A labelled counter shows every label value, zeros too, so a rate over it
exists before the first event.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from graph import reconnect
from graph.budget import answers
from graph.budget import spend as budget_store
from graph.cache.store import ResponseCache
from graph.jobs import maintenance, worker
from graph.planning import answering as planning

MEDIA_TYPE = "text/plain; version=0.0.4"


def family(name: str, kind: str, description: str, samples: Mapping[str, int]) -> list[str]:
    """One metric's lines: HELP, TYPE, then a sample per label set ("" for none)."""
    lines = [f"# HELP {name} {description}", f"# TYPE {name} {kind}"]
    return lines + [f"{name}{labels} {value}" for labels, value in samples.items()]


def counter(name: str, description: str, value: int) -> list[str]:
    """An unlabelled counter's lines."""
    return family(name, "counter", description, {"": value})


def execution_lines() -> list[str]:
    """Which executor answered each operation; for the standard one, why (README "Planned
    execution")."""
    standard = planning.counters.standard
    by_reason = {f'{{reason="{reason}"}}': standard[reason] for reason in planning.Fallback}
    return [
        *counter(
            "graph_execution_planned_total",
            "Query operations answered by their plan (planned execution).",
            planning.counters.planned,
        ),
        *family(
            "graph_execution_standard_total",
            "counter",
            "Operations answered field by field by graphql-core, by why no plan answered: "
            "disabled (PLANNED_EXECUTION=false), not_query (a mutation or subscription), "
            "not_plannable (introspection or an uncovered field), client_error (the answer "
            "is an error), missing_row (a broken reference), failed (the planner raised; logged).",
            by_reason,
        ),
        *counter(
            "graph_execution_compiled_total",
            "Of the planned: answered by one compiled SQL statement (PostgreSQL).",
            planning.counters.compiled,
        ),
        *counter(
            "graph_execution_fast_lane_total",
            "Of the planned: answered in the fast lane, without Strawberry's per-request work.",
            planning.counters.fast_lane,
        ),
    ]


def recovery_lines() -> list[str]:
    """Second paths around a database or Redis that went away (README "Failure modes")."""
    return [
        *counter(
            "graph_db_reconnects_total",
            "Statements run once more on a fresh connection because the pooled one had died.",
            reconnect.counters.reconnects,
        ),
        *counter(
            "graph_jobs_requeued_total",
            "Jobs deferred because the tables said work was due and no job waited for it.",
            maintenance.counters.requeued,
        ),
        *counter(
            "graph_job_worker_restarts_total",
            "Times this process's job worker stopped and was started again.",
            worker.counters.worker_restarts,
        ),
        *counter(
            "graph_job_errors_unrecorded_total",
            "Job errors that could not be stored for admins (the database was away).",
            worker.counters.unrecorded_errors,
        ),
        *counter(
            "graph_budget_refused_total",
            "Requests refused because the client's budget of cost units was spent.",
            budget_store.counters.refused,
        ),
        *counter(
            "graph_answers_over_limit_total",
            "Answers over MAX_ANSWER_BYTES that their price did not bound (a row breaking a "
            "write rule): replaced by an ANSWER_TOO_LARGE error and logged.",
            answers.counters.over_limit,
        ),
        *counter(
            "graph_budget_unavailable_total",
            "Requests served unmetered because the budget store could not be consulted.",
            budget_store.counters.unavailable,
        ),
    ]


def cache_lines(cache: ResponseCache) -> list[str]:
    """What the response cache has done, and holds now."""
    counters = cache.counters
    entries, size = cache.size
    return [
        *counter("graph_cache_hits_total", "Answers served from the cache.", counters.hits),
        *counter(
            "graph_cache_misses_total", "Cache lookups that found no answer.", counters.misses
        ),
        *counter(
            "graph_cache_coalesced_total",
            "Requests that waited for an identical request's computation instead of their own.",
            counters.coalesced,
        ),
        *counter(
            "graph_cache_evictions_total",
            "Entries dropped to stay within CACHE_MAX_ENTRIES and CACHE_MAX_BYTES.",
            counters.evictions,
        ),
        *counter(
            "graph_cache_invalidations_total",
            "Invalidations received (one per write's set of content tags).",
            counters.invalidations,
        ),
        *counter(
            "graph_cache_dropped_total", "Entries dropped by invalidations.", counters.dropped
        ),
        *family("graph_cache_entries", "gauge", "Answers held now.", {"": entries}),
        *family("graph_cache_bytes", "gauge", "Bytes of answers held now.", {"": size}),
        *family(
            "graph_cache_enabled",
            "gauge",
            "1 while the cache serves and stores answers; 0 while its invalidation feed is down.",
            {"": int(cache.enabled)},
        ),
    ]


async def metrics(request: Request) -> Response:
    """Every counter of this process, in Prometheus' text format."""
    cache: ResponseCache | None = request.app.state.cache
    lines = [*execution_lines(), *recovery_lines()]
    if cache is not None:
        lines += cache_lines(cache)
    return Response("\n".join(lines) + "\n", media_type=MEDIA_TYPE)

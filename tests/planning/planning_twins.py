"""Two apps on one database, planned and standard execution, and the byte-for-byte comparison.

The contract of issue 6: for any query both executors give the same HTTP status, the same
response bytes (data, errors, key order) and the same cache tags. `Twins.compare` sends one
request to each app and fails with the query, its variables and a short diff when they differ.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from planning_paths import PLANNED, executor_counts, path_taken

from graph.app import create_app
from graph.budget.cost import BYTES_PER_UNIT
from graph.cache import tags
from graph.settings import Settings

# A cached answer would hide which executor made it.
UNCACHED = {"response_cache": False}
# Enough of a diff (and of a query) to see what differs without drowning the message.
DIFF_LINES = 40
QUERY_CHARS = 2_000
# Mismatches shown in full when a corpus test reports them all at its end.
SHOWN_MISMATCHES = 3


@dataclass(frozen=True, repr=False)
class Caller:
    """Who sends a request: anonymous, or an editor with a token."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Caller({self.name!r})"  # not the token

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@dataclass(frozen=True)
class Answer:
    """What one app answered, and the content tags collected while it did."""

    status: int
    content: bytes
    tags: frozenset[str]

    @property
    def cacheable(self) -> bool:
        """An answer the response cache would keep: data and no errors."""
        decoded = self.decoded()
        return isinstance(decoded, dict) and "errors" not in decoded and "data" in decoded

    def decoded(self) -> Any:
        """The body as JSON, or as text when it is not JSON."""
        try:
            return json.loads(self.content)
        except ValueError:
            return self.content.decode(errors="replace")


@dataclass(repr=False)
class Twins:
    """An HTTP client on the planned app and one on the standard app."""

    planned: httpx.AsyncClient
    standard: httpx.AsyncClient

    def __repr__(self) -> str:
        return "Twins(planned, standard)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    async def compare(
        self, query: str, variables: dict[str, Any] | None, caller: Caller, origin: str
    ) -> Comparison:
        """Send the request to both apps; fail unless status, bytes and tags are the same.

        Tags are compared for answers without errors only: those are the answers the response
        cache keeps. After an error graphql-core cancels the sibling fields still running, so
        which objects got built (and tagged) before that is a matter of timing.
        """
        body = {"query": query, "variables": variables}
        before = await executor_counts(self.planned)
        planned = await ask(self.planned, body, caller)
        path = path_taken(before, await executor_counts(self.planned))
        standard = await ask(self.standard, body, caller)
        same_body = (planned.status, planned.content) == (standard.status, standard.content)
        if not same_body and path != PLANNED and _has_errors(planned, standard):
            planned, standard = await self._asked_again(body, caller, planned, standard)
            same_body = planned.content == standard.content
        same_tags = planned.tags == standard.tags or not standard.cacheable
        if not (same_body and same_tags):
            raise AssertionError(mismatch(query, variables, caller, origin, planned, standard))
        over = over_its_price(standard)
        if over:
            raise AssertionError(f"{over} ({origin}, caller {caller.name}): {shortened(query)}")
        return Comparison(standard, path, f"{origin}, caller {caller.name}", body)

    async def _asked_again(
        self, body: dict[str, Any], caller: Caller, planned: Answer, standard: Answer
    ) -> tuple[Answer, Answer]:
        """Both apps asked again, in turn, until their answers agree (a few tries).

        Both answers came from graphql-core here (the planned app fell back). When several
        list items fail alike, graphql-core reports the first to fail in time and cancels the
        rest, so the error's path index is a matter of timing (seen on PostgreSQL:
        `categories { posts(after: "bad") }`): not a difference between the executors.
        """
        for _ in range(TIMING_RETRIES):
            planned = await ask(self.planned, body, caller)
            if planned.content == standard.content:
                break
            standard = await ask(self.standard, body, caller)
            if planned.content == standard.content:
                break
        return planned, standard


def _has_errors(*answers: Answer) -> bool:
    return all(b'"errors"' in answer.content for answer in answers)


# How often the standard app is asked again when a fallback answer's errors differ.
TIMING_RETRIES = 10


@dataclass(frozen=True)
class Comparison:
    """The answer both apps gave (the standard app's, with its tags), and how the planned app
    made it: `planned`, the standard path's reason, or `not_executed`."""

    answer: Answer
    path: str
    origin: str  # where the query came from, and who asked
    body: dict[str, Any]  # the request: query and variables

    def __str__(self) -> str:
        variables = json.dumps(self.body["variables"], ensure_ascii=False)
        return f"{self.origin}: {shortened(self.body['query'])} with {variables}"


async def ask(http: httpx.AsyncClient, body: dict[str, Any], caller: Caller) -> Answer:
    """One app's answer to a GraphQL request body, with the tags collected meanwhile."""
    # httpx's ASGI transport runs the app in this task, so the tags its resolvers add land
    # in this block's set (checked by test_tags_are_collected_through_http).
    with tags.collecting() as collected:
        response = await http.post("/graphql", json=body, headers=caller.headers)
    return Answer(response.status_code, response.content, frozenset(collected))


def over_its_price(answer: Answer) -> str | None:
    """Why an answer breaks README's bound (bytes <= cost x 1 KiB), or None when it holds."""
    decoded = answer.decoded()
    extensions = decoded.get("extensions") if isinstance(decoded, dict) else None
    cost = (extensions or {}).get("cost", {}).get("requested")
    if cost is None or len(answer.content) <= cost * BYTES_PER_UNIT:
        return None
    return f"{len(answer.content)} bytes for a cost of {cost}"


def mismatch(
    query: str,
    variables: dict[str, Any] | None,
    caller: Caller,
    origin: str,
    planned: Answer,
    standard: Answer,
) -> str:
    """A failure message a person can act on: where the query came from and what differs."""
    lines = [
        f"planned and standard execution differ ({origin}, caller {caller.name})",
        "query:",
        shortened(query.strip()),
        f"variables: {json.dumps(variables, ensure_ascii=False)}",
        f"status: planned {planned.status}, standard {standard.status}",
    ]
    if planned.content != standard.content:
        lines += ["body diff (planned → standard):", *_body_diff(planned, standard)]
    if planned.tags != standard.tags:
        lines += [
            f"tags only planned: {sorted(planned.tags - standard.tags)}",
            f"tags only standard: {sorted(standard.tags - planned.tags)}",
        ]
    return "\n".join(lines)


def shortened(text: str) -> str:
    """The text, cut to QUERY_CHARS with a note of how much was left out."""
    if len(text) <= QUERY_CHARS:
        return text
    return f"{text[:QUERY_CHARS]} ... ({len(text) - QUERY_CHARS} more characters)"


@dataclass
class Mismatches:
    """Every differing comparison of a corpus, so one run reports them all, not the first."""

    messages: list[str] = field(default_factory=list)
    compared: int = 0

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Count one comparison; keep its failure message instead of raising it."""
        self.compared += 1
        try:
            yield
        except AssertionError as failure:
            self.messages.append(str(failure))

    def report(self) -> str:
        """How many differ, then the first few in full."""
        head = f"{len(self.messages)} of {self.compared} comparisons differ"
        return "\n\n".join([head, *self.messages[:SHOWN_MISMATCHES]])


def _body_diff(planned: Answer, standard: Answer) -> list[str]:
    before = _pretty(planned.decoded())
    after = _pretty(standard.decoded())
    if before == after:
        # Same JSON, different bytes: key order or encoding.
        before, after = [repr(planned.content)], [repr(standard.content)]
    diff = list(difflib.unified_diff(before, after, "planned", "standard", lineterm="", n=2))
    if len(diff) > DIFF_LINES:
        diff = [*diff[:DIFF_LINES], f"... {len(diff) - DIFF_LINES} more diff lines"]
    return diff


def _pretty(value: Any) -> list[str]:
    # Key order is part of the contract, so the keys are not sorted here.
    return json.dumps(value, indent=1, ensure_ascii=False).splitlines()


@asynccontextmanager
async def twin_apps(settings: Settings) -> AsyncIterator[Twins]:
    """Both apps on the same database, without the response cache."""
    planned = create_app(settings.model_copy(update={**UNCACHED, "planned_execution": True}))
    standard = create_app(settings.model_copy(update={**UNCACHED, "planned_execution": False}))
    async with (
        _client(planned) as planned_http,
        _client(standard) as standard_http,
    ):
        yield Twins(planned_http, standard_http)


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

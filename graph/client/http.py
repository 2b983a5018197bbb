"""A small GraphQL-over-HTTP client, configured by GRAPH_URL and GRAPH_TOKEN."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

CONNECT_TIMEOUT_S = 5.0
# An import of a few thousand posts is one mutation in one transaction; give it time.
READ_TIMEOUT_S = 120.0
EXAMPLE_URL = "http://127.0.0.1:8000/graphql"


class ClientError(Exception):
    """No usable answer: unset configuration, an unreachable server, HTTP or GraphQL errors."""


class GraphQLClient:
    """Posts GraphQL documents to one endpoint, with the editor's token if there is one."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        self._http = httpx.Client(headers=headers, timeout=timeout)

    def __enter__(self) -> GraphQLClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._http.close()

    def response(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        operation: str | None = None,
    ) -> dict[str, Any]:
        """The whole JSON response (`data` and/or `errors`) to a document."""
        payload: dict[str, Any] = {"query": document, "variables": dict(variables or {})}
        if operation is not None:
            payload["operationName"] = operation
        try:
            answer = self._http.post(self.url, json=payload)
        except httpx.TimeoutException as error:
            raise ClientError(f"{self.url} did not answer in time ({error})") from error
        except httpx.ConnectError as error:
            raise ClientError(f"cannot connect to {self.url}: {error}") from error
        except httpx.HTTPError as error:
            raise ClientError(f"request to {self.url} failed: {error}") from error
        return _decoded(self.url, answer)

    def data(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response; GraphQL `errors` raise a ClientError."""
        body = self.response(document, variables)
        if body.get("errors"):
            raise ClientError(graphql_errors(body["errors"]))
        data: dict[str, Any] = body["data"]
        return data


def _decoded(url: str, answer: httpx.Response) -> dict[str, Any]:
    """The JSON object of a 200 answer; anything else becomes a one-line ClientError."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code != 200:
        detail = graphql_errors(body["errors"]) if _has_errors(body) else _first_line(answer.text)
        raise ClientError(f"{url} answered HTTP {answer.status_code}: {detail}")
    if not isinstance(body, dict) or not {"data", "errors"} & body.keys():
        raise ClientError(
            f"{url} did not answer with a GraphQL response: {_first_line(answer.text)}"
        )
    return body


def _has_errors(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("errors"), list) and bool(body["errors"])


def _first_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def graphql_errors(errors: list[dict[str, Any]]) -> str:
    """GraphQL errors on one line: `message (at path)`, joined by `; `."""
    parts = []
    for error in errors:
        path = ".".join(str(part) for part in error.get("path") or [])
        parts.append(f"{error.get('message')} (at {path})" if path else str(error.get("message")))
    return "GraphQL error: " + "; ".join(parts)


def utc(moment: dt.datetime) -> str:
    """An aware time as ISO 8601 in UTC, the form the clients send every time in.

    The API takes any offset, but on SQLite the server stores the offset it was given and
    compares times as text, so times sent with other offsets sort and page wrongly there.
    """
    return moment.astimezone(dt.UTC).isoformat()


def from_environment(token_required: bool = True) -> GraphQLClient:
    """A client for GRAPH_URL, sending GRAPH_TOKEN (required unless `token_required` is False)."""
    url = os.environ.get("GRAPH_URL", "").strip()
    if not url:
        raise ClientError(f"GRAPH_URL is not set (e.g. export GRAPH_URL={EXAMPLE_URL})")
    token = os.environ.get("GRAPH_TOKEN", "").strip() or None
    if token is None and token_required:
        raise ClientError("GRAPH_TOKEN is not set (create one with `graph token create`)")
    return GraphQLClient(url, token)

"""Operators' logs: client mistakes at INFO, real failures at ERROR with a traceback."""

from __future__ import annotations

import logging

import pytest
from conftest import GraphQL
from graphql import GraphQLError

from graph.logs import ClientErrorsAtInfo
from graph.request.errors import ClientError

EXECUTION = "strawberry.execution"


def execution_records(caplog: pytest.LogCaptureFixture) -> list[tuple[int, bool]]:
    """(level, has a traceback) of each GraphQL error Strawberry logged."""
    return [(r.levelno, r.exc_info is not None) for r in caplog.records if r.name == EXECUTION]


async def test_bad_variables_are_logged_at_info(
    gql: GraphQL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=EXECUTION)
    body = await gql("query ($n: Int!) { posts(first: $n) { totalCount } }", n="many")
    assert body["errors"]
    assert execution_records(caplog) == [(logging.INFO, False)]


async def test_a_bad_cursor_is_logged_at_info(
    gql: GraphQL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=EXECUTION)
    body = await gql('{ posts(after: "nonsense") { totalCount } }')
    assert body["errors"][0]["message"].startswith("Invalid cursor")
    assert execution_records(caplog) == [(logging.INFO, False)]


def record_of(error: GraphQLError) -> logging.LogRecord:
    return logging.LogRecord(EXECUTION, logging.ERROR, __file__, 1, error, None, None)


def test_an_unexpected_error_stays_at_error_with_its_traceback() -> None:
    try:
        raise RuntimeError("the database went away")
    except RuntimeError as failure:
        error = GraphQLError("the database went away", original_error=failure)
        record = record_of(error)
        record.exc_info = (RuntimeError, failure, failure.__traceback__)
    assert ClientErrorsAtInfo().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_a_client_error_is_lowered_to_info() -> None:
    error = GraphQLError("Invalid id 'x'.", original_error=ClientError("Invalid id 'x'."))
    record = record_of(error)
    logging.getLogger(EXECUTION).setLevel(logging.INFO)
    try:
        assert ClientErrorsAtInfo().filter(record)
    finally:
        logging.getLogger(EXECUTION).setLevel(logging.NOTSET)
    assert (record.levelno, record.levelname) == (logging.INFO, "INFO")

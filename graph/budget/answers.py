"""The last line: no answer leaves this server larger than MAX_ANSWER_BYTES, whatever the data.

The price bounds every answer before it is built, from the write rules; an answer over the
limit anyway means a row broke a rule (written before the rule existed, or by hand). It is
replaced by one `ANSWER_TOO_LARGE` error, logged and counted on `/metrics`
(`graph_answers_over_limit_total`), so a bound that does not hold is seen, not served.
"""

from __future__ import annotations

import logging

import orjson

log = logging.getLogger(__name__)

TOO_LARGE = "ANSWER_TOO_LARGE"


class AnswerCounters:
    """Answers the price did not bound, for `/metrics`."""

    def __init__(self) -> None:
        self.over_limit = 0


counters = AnswerCounters()


def within(body: bytes, limit: int) -> bytes:
    """`body`, or the error that replaces it when it passes `limit` bytes."""
    if len(body) <= limit:
        return body
    counters.over_limit += 1
    log.error("an answer of %s bytes passed MAX_ANSWER_BYTES (%s): refused", len(body), limit)
    message = f"The answer would take {len(body)} bytes; the limit is {limit}."
    error = {"message": message, "extensions": {"code": TOO_LARGE, "limit": limit}}
    return orjson.dumps({"errors": [error]})

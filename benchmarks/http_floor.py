"""The HTTP floor: a bare Starlette endpoint that answers with a stored response from memory.

It shows what uvicorn and Starlette cost for the same bytes on the same machine, so the API's
warm (cached) figures can be read against the most any Python server here could do.
Run as `uvicorn benchmarks.http_floor:create_app --factory` with BENCH_RESPONSES naming a
JSON file that lists the response bodies; request `POST /floor/<index>`.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

RESPONSES_VARIABLE = "BENCH_RESPONSES"


def create_app() -> Starlette:
    """The floor app, serving the bodies listed in the file BENCH_RESPONSES names."""
    listed: list[str] = orjson.loads(Path(os.environ[RESPONSES_VARIABLE]).read_bytes())
    bodies = [body.encode() for body in listed]

    async def answer(request: Request) -> Response:
        # Read the body as a real endpoint must, then answer without looking at it.
        await request.body()
        return Response(bodies[request.path_params["index"]], media_type="application/json")

    return Starlette(routes=[Route("/floor/{index:int}", answer, methods=["POST"])])

"""wrk as the load generator: fixed connections, a Lua script that POSTs one JSON body.

wrk's own `done` hook prints the figures on one machine-readable line, so nothing depends on
the layout of its human-readable report (which `--latency` still prints to the log).

Errors are wrk's (connect, read, write, timeout, non-2xx status) plus every 200 answer whose
body carries GraphQL `"errors"`: a server that fails fast must not look fast.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "install it with `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`"
MARKER = "BENCH-RESULT"

SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [{level}[{body}]{level}]

local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
init = function(args) answered_errors = 0 end
response = function(status, headers, body)
  if status == 200 and string.find(body, '"errors"', 1, true) then
    answered_errors = answered_errors + 1
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local answered = 0
  for _, thread in ipairs(threads) do answered = answered + thread:get("answered_errors") end
  io.write(string.format("{marker} %d %d %d %.1f %.1f\\n",
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout + answered,
    latency:percentile(50), latency:percentile(99)))
end
"""


class WrkError(Exception):
    """wrk is missing, failed, or printed no result."""


@dataclass(frozen=True)
class Load:
    """How hard to push: connections, wrk threads, seconds."""

    connections: int = 64
    threads: int = 2
    duration_s: float = 10.0


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests: int
    duration_s: float
    errors: int
    # None when no request finished within the run.
    p50_ms: float | None
    p99_ms: float | None

    @property
    def requests_per_s(self) -> float:
        """Completed requests per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0


def executable() -> str:
    """The wrk on PATH, or WrkError saying how to get it."""
    found = shutil.which("wrk")
    if found is None:
        raise WrkError(f"wrk is not installed: {INSTALL_HINT}")
    return found


def script(body: bytes) -> str:
    """The Lua script that POSTs `body`, quoted with a long bracket the body cannot close."""
    text = body.decode()
    level = "="
    while f"]{level}]" in text:
        level += "="
    return SCRIPT.format(level=level, body=text, marker=MARKER)


def run(url: str, body: bytes, load: Load, work_dir: Path, log: Path | None = None) -> WrkResult:
    """Drive `url` with `body` for `load.duration_s`; the figures wrk measured."""
    work_dir.mkdir(parents=True, exist_ok=True)
    lua = work_dir / "request.lua"
    lua.write_text(script(body), encoding="utf-8")
    command = [
        executable(), "--latency", f"-t{load.threads}", f"-c{load.connections}",
        f"-d{max(1, round(load.duration_s))}s", "--timeout", "10s", "-s", str(lua), url,
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if log is not None:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"$ {' '.join(command)}\n{completed.stdout}{completed.stderr}\n")
    if completed.returncode != 0:
        raise WrkError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)


def parse(output: str) -> WrkResult:
    """The result line the Lua `done` hook printed (latencies arrive in microseconds)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            requests, duration_us, errors, p50_us, p99_us = line.split()[1:]
            finished = int(requests) > 0
            return WrkResult(
                requests=int(requests),
                duration_s=int(duration_us) / 1e6,
                errors=int(errors),
                p50_ms=float(p50_us) / 1000 if finished else None,
                p99_ms=float(p99_us) / 1000 if finished else None,
            )
    raise WrkError(f"wrk printed no {MARKER} line:\n{output}")

"""Servers under test as real processes: start, wait until they answer, read their memory.

Peak memory is VmHWM from /proc, summed over the whole process tree (the uvicorn supervisor
and its workers): what the machine must hold for that server. Before each operation the
peaks are reset (`5` into /proc/PID/clear_refs), so each figure belongs to one operation.
CPU time is utime + stime from /proc/PID/stat, summed over the same tree.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
# Workers finish importing a moment after the first one answers.
SETTLE_S = 1.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Idle: under 5 % of one core, twice in a row.
IDLE_SHARE = 0.05
IDLE_SAMPLE_S = 0.25
IDLE_TIMEOUT_S = 120.0


class ServerFailed(Exception):
    """A server did not start, or died; its log says why."""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running server: where it answers and its process tree."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        """The server's process and every process under it."""
        return [self.process.pid, *descendants(self.process.pid)]

    def reset_peak_memory(self) -> bool:
        """Start counting peak memory afresh; False where the kernel does not allow it."""
        reset = True
        for pid in self.pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                reset = False
        return reset

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process tree has used so far."""
        return sum(_cpu_ticks(pid) for pid in self.pids()) / CLOCK_TICKS

    def wait_until_idle(self, timeout_s: float = IDLE_TIMEOUT_S) -> bool:
        """Wait until the server has worked off what it was sent; False on timeout.

        A server keeps answering requests whose client has gone, so without this the backlog
        of one wrk run would slow the next one down.
        """
        deadline, quiet = time.monotonic() + timeout_s, 0
        previous = self.cpu_seconds()
        while time.monotonic() < deadline and quiet < 2:
            time.sleep(IDLE_SAMPLE_S)
            now = self.cpu_seconds()
            quiet = quiet + 1 if now - previous < IDLE_SHARE * IDLE_SAMPLE_S else 0
            previous = now
        return quiet >= 2

    def peak_memory_mb(self) -> float:
        """Sum of VmHWM (peak resident memory) over the process tree, in MiB."""
        return sum(_status_kb(pid, "VmHWM") for pid in self.pids()) / 1024


def cpu_ms_per_request(cpu_seconds: float, requests: int) -> float | None:
    """The server's CPU time over a run divided by the requests completed, in ms; None when
    none completed.

    `cpu_seconds` is `Server.cpu_seconds()` after the run minus before it: utime + stime of
    the server's own processes (a supervisor and its workers, or PostGraphile's one Node
    process), not of PostgreSQL's backends nor of wrk.
    """
    if requests <= 0:
        return None
    return cpu_seconds * 1000 / requests


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                # Field 4 of /proc/PID/stat, after the parenthesised command name.
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _cpu_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        # utime and stime: fields 14 and 15, i.e. 12 and 13 after the command name.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    return 0


def _status_kb(pid: int, field: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


@contextmanager
def running(
    name: str,
    command: list[str],
    env: Mapping[str, str],
    ready_path: str,
    workers: int,
    log_dir: Path,
) -> Iterator[Server]:
    """Run `command` (which must take `--port`) until the block ends."""
    port = free_port()
    log = log_dir / f"{name}.log"
    log_dir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_ready(server, ready_path, workers)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(server: Server, path: str, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(
                f"{server.name} exited with {server.process.returncode}; see {server.log}:\n"
                + server.log.read_text(errors="replace")[-3000:]
            )
        try:
            httpx.get(server.base_url + path, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        # One worker runs in the server's own process; more run as its children.
        if workers == 1 or len(descendants(server.process.pid)) >= workers:
            time.sleep(SETTLE_S)
            return
        time.sleep(0.2)
    raise ServerFailed(
        f"{server.name} did not answer within {START_TIMEOUT_S:.0f} s; see {server.log}"
    )


def python_command(*arguments: str) -> list[str]:
    """This interpreter running `arguments` (`-m graph serve …`)."""
    return [sys.executable, *arguments]

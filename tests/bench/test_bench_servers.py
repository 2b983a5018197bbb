"""CPU per request, read from /proc for a server's whole process tree, as the bench reads it
for `graph serve` (a supervisor and its workers) and for PostGraphile (one process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import servers

# `burn.py CPU DONE [CHILD_CPU CHILD_DONE]`: burns CPU seconds of CPU time, then writes DONE
# and sleeps until killed. Given a child's figures it first starts itself as that child, and
# writes DONE only once the child has written its own.
BURN = """
import subprocess, sys, time
from pathlib import Path
cpu, done, child = float(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
if child:
    subprocess.Popen([sys.executable, __file__, *child])
start = time.process_time()
while time.process_time() - start < cpu:
    pass
while child and not Path(child[1]).exists():
    time.sleep(0.05)
done.write_text("burnt")
time.sleep(60)
"""
WAIT_S = 30.0


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_cpu_per_request_sums_the_supervisor_and_its_worker(tmp_path: Path) -> None:
    script, parent_done, child_done = tmp_path / "burn.py", tmp_path / "parent", tmp_path / "child"
    script.write_text(BURN)
    command = [sys.executable, str(script), "0.2", str(parent_done), "0.4", str(child_done)]
    server = servers.Server("burner", "", subprocess.Popen(command), tmp_path / "log")
    try:
        before = server.cpu_seconds()
        wait_for(parent_done)
        used = server.cpu_seconds() - before
        assert len(server.pids()) == 2
    finally:
        for pid in reversed(server.pids()):
            os.kill(pid, signal.SIGTERM)
        server.process.wait(timeout=10)
    per_request = servers.cpu_ms_per_request(used, 100)
    assert per_request is not None
    # 0.6 s over 100 requests; interpreter start-up adds a little on top, never takes away.
    assert 6.0 <= per_request < 9.0


def test_no_completed_request_has_no_cpu_per_request() -> None:
    assert servers.cpu_ms_per_request(1.0, 0) is None

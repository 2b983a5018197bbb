"""Progress lines for long work: rows done, rate, elapsed; redrawn in place on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_EVERY_S = 0.5
# Into a log file, a line every few seconds says as much as a redraw twice a second.
LOG_EVERY_S = 10.0


class Progress:
    """Counts rows of one step and shows how far it got, now and then."""

    def __init__(self, label: str, total: int | None = None, out: TextIO = sys.stderr) -> None:
        self.label, self.total, self.out = label, total, out
        self.done = 0
        self.started = self.shown = time.perf_counter()
        self.terminal = out.isatty()
        self.every_s = REDRAW_EVERY_S if self.terminal else LOG_EVERY_S

    def add(self, rows: int = 1) -> None:
        """Count `rows` more; redraw when the last line is old enough."""
        self.done += rows
        now = time.perf_counter()
        if now - self.shown >= self.every_s:
            self.shown = now
            self._show(end="\r" if self.terminal else "\n")

    def finish(self) -> float:
        """Print the final line; the seconds the step took."""
        self._show(end="\n")
        return time.perf_counter() - self.started

    def _show(self, end: str) -> None:
        elapsed = time.perf_counter() - self.started
        of = f"/{self.total:,}" if self.total else ""
        rate = self.done / elapsed if elapsed > 0 else 0.0
        line = f"  {self.label:<12} {self.done:>10,}{of} rows  {elapsed:7.1f} s  {rate:>9,.0f}/s"
        self.out.write(line + end)
        self.out.flush()

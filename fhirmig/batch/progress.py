"""Progress of a batch on standard error: a live bar on a terminal, a few plain lines otherwise.

The bar shows diaries done of the total, resources written, the rate and the errors so
far, redrawn in place. When standard error is not a terminal (a log file, CI), one line
is printed at each tenth of the batch and at the end, so logs stay short. Progress never
goes to standard output and never names a patient.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]

_BAR = 24


class Progress:
    """Counts diaries, resources and errors and shows them on ``stream``."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self.diaries = 0
        self.resources = 0
        self.errors = 0
        self.skipped = 0
        self._tenths = 0
        self._last_draw = float("-inf")

    def update(self, diaries: int, resources: int, errors: int, *, skipped: bool = False) -> None:
        """Add a finished chunk: its diaries, resources and failed diaries."""
        self.diaries += diaries
        self.resources += resources
        self.errors += errors
        if skipped:
            self.skipped += diaries
        if self.tty:
            now = self.clock()
            if now - self._last_draw >= 0.1 or self.diaries >= self.total:
                self._last_draw = now
                self.stream.write("\r" + self._bar())
                self.stream.flush()
        elif self.total:
            tenths = min(10, self.diaries * 10 // self.total)
            if tenths > self._tenths and self.diaries < self.total:
                self._tenths = tenths
                self.stream.write(self.line() + "\n")
                self.stream.flush()

    def rate(self) -> float:
        """Diaries converted per second (diaries skipped by ``--resume`` not counted)."""
        elapsed = self.clock() - self.started
        return (self.diaries - self.skipped) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The state as one plain line."""
        text = (
            f"batch: {self.diaries:,}/{self.total:,} diaries, {self.resources:,} resources, "
            f"{self.errors:,} {_errors(self.errors)}, {self.rate():,.1f} diaries/s"
        )
        if self.skipped:
            text += f" ({self.skipped:,} unchanged, skipped)"
        return text

    def _bar(self) -> str:
        filled = _BAR * self.diaries // self.total if self.total else _BAR
        bar = "#" * filled + "." * (_BAR - filled)
        return (
            f"[{bar}] {self.diaries:,}/{self.total:,} diaries  {self.resources:,} resources  "
            f"{self.rate():,.1f}/s  {self.errors:,} {_errors(self.errors)}"
        )

    def close(self) -> None:
        """Finish the bar (or print the final line)."""
        if self.tty:
            self.stream.write("\r" + self._bar() + "\n")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def _errors(count: int) -> str:
    """``error`` or ``errors`` for a count ("1 error", "0 errors")."""
    return "error" if count == 1 else "errors"

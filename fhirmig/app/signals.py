"""Ending cleanly on SIGTERM and SIGHUP, as on Ctrl-C.

A run may hold temporary files full of patient data (the half-written output beside its
target, the report's private work folder). Python removes them on Ctrl-C because
``KeyboardInterrupt`` unwinds the stack through every ``finally``; a plain SIGTERM (a
service manager, ``kill``) or SIGHUP (a closed terminal) would end the process at once
and leave them behind. :func:`clean_exit_on_signals` turns those two signals into a
:class:`Terminated` exception that unwinds the same way.

A signal the parent set to be ignored stays ignored: ``nohup fhirmig batch ...`` must
survive the terminal closing, as ``nohup`` promises, so only signals with their default
action are taken over.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Terminated", "clean_exit_on_signals"]

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(BaseException):
    """The process was asked to end by ``signum``; raised where it was running."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"terminated by signal {signum}")

    @property
    def exit_code(self) -> int:
        """The shell's code for a process ended by the signal: 128 + its number."""
        return 128 + self.signum


@contextlib.contextmanager
def clean_exit_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (main thread only).

    A signal that is ignored when the block starts (``nohup`` ignores SIGHUP) is left so.

    A child process forked inside the block (a batch worker) does not unwind: it ends as
    the signal would have ended it, and its parent cleans up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)

    previous = {}
    for signum in _SIGNALS:
        if signal.getsignal(signum) == signal.SIG_IGN:
            continue
        previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)

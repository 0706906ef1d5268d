"""The local engine: chunks run in a pool of processes, one per core by default.

At most two chunks per worker are in flight, so the client holds a bounded amount of
work whatever the number of diaries; results come back in completion order and the
client records each as it arrives. The output does not depend on that order.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from fhirmig.batch.worker import ChunkResult, ChunkTask, load_converter, run_chunk, warm_worker
from fhirmig.errors import BatchError

__all__ = ["LocalPool", "OnResult", "default_jobs", "run_local"]

_PR_SET_PDEATHSIG = 1

#: Called by an engine in the client for every finished chunk.
OnResult = Callable[[ChunkTask, ChunkResult], None]


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LocalPool:
    """``jobs`` worker processes, all started at once when the pool is made.

    A batch makes its pool before it lists its inputs: forked workers then share no copy
    of the input list, whatever its length, and start while the client lists.
    """

    def __init__(self, jobs: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        forking = "fork" in methods
        context = multiprocessing.get_context("fork" if forking else "spawn")
        if forking:  # forked workers share what the client imported: import it once here
            load_converter()
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_die_with, initargs=(os.getpid(),)
        )
        self.pool.submit(os.getpid).result()  # fork every worker now (fork starts them all)

    def run(self, tasks: Iterable[ChunkTask], on_result: OnResult) -> None:
        """Run ``tasks``, at most two per worker in flight.

        Raises:
            BatchError: a worker process died (for example killed by the system); finished
                chunks are recorded, so ``--resume`` goes on from there.
        """
        pending: dict[Future[ChunkResult], ChunkTask] = {}
        try:
            for task in tasks:
                if len(pending) >= 2 * self.jobs:
                    _collect(pending, on_result)
                pending[self.pool.submit(run_chunk, task)] = task
            while pending:
                _collect(pending, on_result)
        except BrokenProcessPool:
            raise BatchError(
                "a worker process died; finished diaries are recorded, run again with {resume}",
                params=("resume",),
            ) from None

    def close(self) -> None:
        """Stop the workers (pending tasks are cancelled)."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def run_local(
    tasks: Iterable[ChunkTask], jobs: int, on_result: OnResult, pool: LocalPool | None = None
) -> None:
    """Run ``tasks`` with ``jobs`` processes (in this process when ``jobs`` is 1).

    ``pool`` is a pool started earlier (it is left open); without one a pool is made and
    closed here.

    Raises:
        BatchError: a worker process died (for example killed by the system); finished
            chunks are recorded, so ``--resume`` goes on from there.
    """
    if pool is not None:
        pool.run(tasks, on_result)
        return
    if jobs <= 1:
        for task in tasks:
            on_result(task, run_chunk(task))
        return
    own = LocalPool(jobs)
    try:
        own.run(tasks, on_result)
    finally:
        own.close()


def _die_with(parent: int) -> None:
    """In a worker: end when the batch process ends, even when it is killed (Linux); then
    warm the worker (:func:`~fhirmig.batch.worker.warm_worker`).

    Without this, workers of a killed batch would finish their chunks unattended.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the batch ended before the line above
        os._exit(1)
    warm_worker()


def _collect(pending: dict[Future[ChunkResult], ChunkTask], on_result: OnResult) -> None:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in sorted(done, key=lambda f: pending[f].index):
        task = pending.pop(future)
        on_result(task, future.result())

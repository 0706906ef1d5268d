"""The Dask engine: the same chunk tasks on a Dask distributed cluster.

Workers run :func:`fhirmig.batch.worker.run_chunk` and write their parts straight into the
output: object storage (an fsspec URL, which each worker opens with its own credentials)
or a folder that the client and every worker see under the same path. A worker lost
mid-task has its task run again elsewhere by Dask, which gives the same bytes. The client
keeps a bounded window of tasks in
flight and records each result (journal, then ledger and manifest at the end). Dask is an
optional extra: ``pip install 'fhirmig[dask]'``.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
from collections.abc import Iterable
from typing import Any

from fhirmig.batch.local import OnResult
from fhirmig.batch.worker import ChunkTask, run_chunk
from fhirmig.errors import BatchError, FhirmigError

__all__ = ["run_dask"]


def _client(stack: contextlib.ExitStack, scheduler: str | None, jobs: int) -> Any:
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise BatchError(
            "the dask engine needs Dask: pip install 'fhirmig[dask]' (dask[distributed])"
        ) from None
    try:
        if scheduler:
            return stack.enter_context(
                distributed.Client(scheduler, timeout=30, set_as_default=False)
            )
        cluster = stack.enter_context(
            distributed.LocalCluster(
                n_workers=jobs, threads_per_worker=1, dashboard_address=":0", processes=True
            )
        )
        return stack.enter_context(distributed.Client(cluster, set_as_default=False))
    except (OSError, TimeoutError) as exc:
        where = scheduler or "a local cluster"
        raise BatchError(f"cannot connect to the Dask scheduler at {where} ({exc})") from None


def run_dask(
    tasks: Iterable[ChunkTask], jobs: int, on_result: OnResult, scheduler: str | None = None
) -> None:
    """Run ``tasks`` on the cluster at ``scheduler`` (a new local cluster when None).

    Raises:
        BatchError: Dask is missing, the scheduler cannot be reached, or a task failed for
            a reason other than a bad diary (bad diaries are recorded, never raised).
    """
    with contextlib.ExitStack() as stack:
        client = _client(stack, scheduler, jobs)
        threads = sum(client.nthreads().values()) or jobs
        window = max(2, 2 * threads)
        todo = iter(tasks)
        pending: dict[str, ChunkTask] = {}
        running = importlib.import_module("distributed").as_completed(loop=client.loop)

        def submit(task: ChunkTask) -> None:
            future = client.submit(run_chunk, task, pure=False)
            pending[future.key] = task
            running.add(future)

        for task in itertools.islice(todo, window):
            submit(task)
        for future in running:
            task = pending.pop(future.key)
            try:
                result = future.result()
            except FhirmigError:
                raise
            except Exception as exc:
                raise BatchError(
                    f"a Dask task failed ({type(exc).__name__}); finished diaries are "
                    "recorded, run again with {resume}",
                    params=("resume",),
                ) from None
            future.release()
            on_result(task, result)
            following = next(todo, None)
            if following is not None:
                submit(following)

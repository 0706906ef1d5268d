"""Converting many diaries at once, under the run's context."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from fhirmig.app.context import RunContext
from fhirmig.app.outputs import check_output

if TYPE_CHECKING:
    from fhirmig.batch import BatchSummary

__all__ = ["batch_convert"]


def batch_convert(
    inputs: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    format: str = "ndjson",
    jobs: int | None = None,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int = 50,
    max_part_bytes: int = 32 * 1024 * 1024,
    base_url: str | None = None,
    summaries: bool = True,
    profile: str = "r4",
    context: RunContext | None = None,
    progress: TextIO | None = None,
    mapping: str | os.PathLike[str] | None = None,
) -> BatchSummary:
    """Convert every diary named by ``inputs`` into the folder ``outdir``.

    The folder is checked first (not a device, not a file the run reads such as the key);
    diaries inside it are never taken as inputs. De-identification comes from the
    context; with it, ``mapping`` names a new file for which input number is which input
    (see :func:`fhirmig.batch.run_batch`).
    """
    ctx = context or RunContext.create()
    check_output(outdir, protect=[("key", k) for k in ctx.protected], folder=True, param="outdir")
    from fhirmig.batch import run_batch

    d = ctx.deidentification
    return run_batch(
        list(inputs),
        outdir,
        format=format,
        jobs=jobs,
        resume=resume,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        max_part_bytes=max_part_bytes,
        base_url=base_url,
        summaries=summaries,
        progress=progress,
        deidentify_key=None if d is None else d.key,
        keep_notes=False if d is None else d.keep_notes,
        profile=profile,
        mapping=mapping,
    )

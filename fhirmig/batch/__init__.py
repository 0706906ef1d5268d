"""Batch conversion: many diaries at once, into bulk NDJSON or one Bundle per diary.

>>> from fhirmig.batch import run_batch
>>> summary = run_batch(["diaries/"], "out/", jobs=2)  # doctest: +SKIP
>>> summary.converted, summary.failed  # doctest: +SKIP

One bad diary never stops a batch: it is reported in ``ledger.json`` with its error lines.
Every output file is written atomically; ``resume=True`` goes on after a crash and gives
the same bytes as an uninterrupted run, whatever the number of jobs or the engine
(``local`` process pool or ``dask``).
"""

from fhirmig.batch.inputs import BatchInput, expand_inputs
from fhirmig.batch.ledger import LEDGER_NAME
from fhirmig.batch.ndjson import DEFAULT_MAX_PART_BYTES, OutputFile, bulk_manifest
from fhirmig.batch.progress import Progress
from fhirmig.batch.runner import (
    DEFAULT_CHUNK_SIZE,
    FORMATS,
    MANIFEST_NAME,
    BatchSummary,
    run_batch,
)
from fhirmig.batch.worker import ChunkResult, ChunkTask, InputResult, run_chunk

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_PART_BYTES",
    "FORMATS",
    "LEDGER_NAME",
    "MANIFEST_NAME",
    "BatchInput",
    "BatchSummary",
    "ChunkResult",
    "ChunkTask",
    "InputResult",
    "OutputFile",
    "Progress",
    "bulk_manifest",
    "expand_inputs",
    "run_batch",
    "run_chunk",
]

"""``run_batch``: convert many diaries into bulk NDJSON or one Bundle each, resumably.

The sorted inputs are cut into chunks of ``chunk_size`` diaries. Each chunk is converted
by a worker (in this process, a process pool or a Dask cluster), which writes the chunk's
own output files. The client records every finished chunk in the journal and, at the
end, writes the ledger and the Bulk Data manifest from the journal in input order. The
output therefore depends only on the inputs and the settings (``format``, ``chunk_size``,
``max_part_bytes``), never on ``jobs`` or the engine, and a resumed run gives the same
bytes as an uninterrupted one.

The client's memory does not grow with the number of diaries: the input list is kept
sorted on disk (:mod:`fhirmig.batch.inputlist`), the worker processes are started before
it is made, and the ledger and manifest are streamed (:mod:`fhirmig.batch.finish`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from fhirmig.batch.finish import MANIFEST_NAME, finish_batch
from fhirmig.batch.inputlist import spool_inputs
from fhirmig.batch.inputs import BatchInput
from fhirmig.batch.ledger import resumable, write_journal
from fhirmig.batch.local import LocalPool, default_jobs, run_local
from fhirmig.batch.ndjson import DEFAULT_MAX_PART_BYTES, transaction_time
from fhirmig.batch.progress import Progress
from fhirmig.batch.store import STATE_DIR, Store, open_store
from fhirmig.batch.worker import DEFAULT_CONVERTER, ChunkResult, ChunkTask
from fhirmig.errors import OutputError, UsageError
from fhirmig.files import create_new_file, private_tempdir

__all__ = ["DEFAULT_CHUNK_SIZE", "FORMATS", "MANIFEST_NAME", "BatchSummary", "run_batch"]

FORMATS = ("ndjson", "bundles")
ENGINES = ("local", "dask")
DEFAULT_CHUNK_SIZE = 50


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch did. ``failed`` counts inputs reported in the ledger with errors.

    ``outdir``, ``ledger`` and ``manifest`` are paths for a local folder and URLs (``str``)
    for object storage.
    """

    outdir: Path | str
    format: str
    inputs: int
    converted: int
    failed: int
    skipped: int
    resources: int
    files: int
    ledger: Path | str
    manifest: Path | str | None

    @property
    def ok(self) -> bool:
        """True when every input was converted."""
        return self.failed == 0

    @property
    def exit_code(self) -> int:
        """0 when every input was converted, 1 when any failed."""
        return 0 if self.ok else 1


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    format: str = "ndjson",
    jobs: int | None = None,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_part_bytes: int = DEFAULT_MAX_PART_BYTES,
    base_url: str | None = None,
    progress: TextIO | None = None,
    summaries: bool = True,
    converter: str = DEFAULT_CONVERTER,
    deidentify_key: bytes | None = None,
    keep_notes: bool = False,
    profile: str = "r4",
    mapping: str | os.PathLike[str] | None = None,
) -> BatchSummary:
    """Convert every diary named by ``inputs`` (files, folders, globs, fsspec URLs).

    ``outdir`` is a folder or an fsspec URL (``s3://bucket/export``: workers write there
    directly, and the store alone is enough to resume); ``base_url`` defaults to the URL
    of such a store, so that the manifest's file URLs can be fetched.

    ``format`` is ``ndjson`` (bulk NDJSON parts plus ``manifest.json``) or ``bundles``
    (``bundles/<patient id>.json``). ``jobs`` defaults to the usable cores; ``engine`` is
    ``local`` (process pool) or ``dask`` (on ``scheduler``, or a local Dask cluster).
    With ``resume``, chunks whose inputs are unchanged since the last run are not
    converted again. ``progress`` is the stream for the progress display (None: silent).
    ``summaries`` adds the Observations of the clinical figures to each diary's resources
    (as ``fhirmig convert`` does); ``converter`` names the diary-to-resources function, as
    ``module:function``. With ``deidentify_key`` every diary is de-identified first
    (:func:`fhirmig.privacy.deidentify_diary`; ``keep_notes`` as there). ``profile``
    ``us-core`` makes the resources claim and meet the US Core 6.1.0 profiles.

    A de-identified batch names its inputs by number (:mod:`fhirmig.batch.identity`);
    ``mapping`` is a new local file (mode 0600, never replaced, not in ``outdir``) that
    receives which number is which input, written when the batch is done. Without it the
    mapping is written nowhere.

    Raises:
        UsageError: options that do not fit together.
        BatchError: the batch cannot run (no input found, the folder is in use, a worker
            died). A bad diary never raises: it is reported in the ledger.
        OutputError: the output cannot be written.
    """
    _check(format, engine, jobs, scheduler, chunk_size, max_part_bytes)
    from fhirmig.fhir.profiles import check_profile

    check_profile(profile)
    workers = jobs or default_jobs()
    out = open_store(outdir)
    if mapping is not None:
        _check_mapping(Path(mapping), out, deidentify_key is not None)
    if base_url is None:
        base_url = out.default_base_url
    with contextlib.ExitStack() as stack:
        pool = None
        if engine == "local" and workers > 1:  # before the input list exists: see LocalPool
            pool = LocalPool(workers)
            stack.callback(pool.close)
        items = spool_inputs(inputs, out.location, stack.enter_context(private_tempdir()))
        out.ensure()
        stack.enter_context(out.lock())
        if pool is not None:
            stack.callback(pool.close)  # no worker writes once the lock is released
        when = _transaction_time(out, resume)
        meter = Progress(len(items), progress) if progress is not None else None
        n_chunks = (len(items) + chunk_size - 1) // chunk_size
        skipped = 0

        def record(task: ChunkTask, result: ChunkResult) -> None:
            write_journal(out, task, result)
            if meter is not None:
                meter.update(len(result.inputs), result.resources, result.failed)

        def tasks() -> Iterator[ChunkTask]:
            nonlocal skipped
            for index, chunk in enumerate(items.chunks(chunk_size)):
                task = ChunkTask(
                    index,
                    chunk,
                    out.location,
                    format,
                    max_part_bytes,
                    converter,
                    summaries,
                    deidentify_key,
                    keep_notes,
                    profile,
                    first=index * chunk_size,
                )
                earlier = resumable(out, task) if resume else None
                if earlier is None:
                    yield task
                    continue
                skipped += len(chunk)
                if meter is not None:
                    meter.update(len(chunk), earlier.resources, earlier.failed, skipped=True)

        if engine == "dask":
            from fhirmig.batch.dask_engine import run_dask

            run_dask(tasks(), workers, record, scheduler)
        else:
            run_local(tasks(), workers, record, pool)
        done = finish_batch(out, format, n_chunks, len(items), when, base_url)
        if mapping is not None:
            write_mapping(Path(mapping), items)
        if meter is not None:
            meter.close()
    return BatchSummary(
        outdir=out.where,
        format=format,
        inputs=len(items),
        converted=done.converted,
        failed=done.failed,
        skipped=skipped,
        resources=done.resources,
        files=done.files,
        ledger=done.ledger,
        manifest=done.manifest,
    )


def _check(
    format: str,
    engine: str,
    jobs: int | None,
    scheduler: str | None,
    chunk_size: int,
    max_part_bytes: int,
) -> None:
    if format not in FORMATS:
        raise UsageError(
            "{format} must be one of " + f"{', '.join(FORMATS)}, not {format!r}",
            params=("format",),
        )
    if engine not in ENGINES:
        raise UsageError(
            "{engine} must be one of " + f"{', '.join(ENGINES)}, not {engine!r}",
            params=("engine",),
        )
    if jobs is not None and jobs < 1:
        raise UsageError("{jobs} must be 1 or more", params=("jobs",))
    if scheduler and engine != "dask":
        raise UsageError("{scheduler} goes with {engine} dask", params=("scheduler", "engine"))
    if chunk_size < 1 or max_part_bytes < 1024:
        raise UsageError(
            "{chunk_size} must be 1 or more and {max_part_bytes} at least 1 KiB",
            params=("chunk_size", "max_part_bytes"),
        )


def _check_mapping(path: Path, out: Store, deidentified: bool) -> None:
    """Refuse a mapping file that would be useless, lost or handed on with the folder."""
    if not deidentified:
        raise UsageError(
            "{mapping} goes with {deidentify}: a plain batch names its inputs itself",
            params=("mapping", "deidentify"),
        )
    if os.path.lexists(path):
        raise OutputError(f"{path}: already exists; a mapping file is never overwritten")
    if out.contains(str(path.absolute())) or out.contains(str(path.resolve())):
        raise OutputError(
            f"{path}: lies in the output folder; the mapping names the inputs, so keep it "
            "apart from the folder you hand on"
        )


def write_mapping(path: Path, items: Iterable[BatchInput]) -> None:
    """Write ``label,input`` for every input (a CSV with a header), streamed."""
    from fhirmig.batch.identity import input_label

    def lines() -> Iterator[bytes]:
        yield b"input,name\n"
        for number, item in enumerate(items, 1):
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerow((input_label(number), item.name))
            yield text.getvalue().encode("utf-8")

    create_new_file(path, lines(), "mapping file")


def _transaction_time(out: Store, resume: bool) -> str:
    """``SOURCE_DATE_EPOCH``, else the start of the first run (kept for ``--resume``)."""
    from fhirmig.clock import source_date_epoch

    if source_date_epoch() is not None:
        return transaction_time()
    stamp = f"{STATE_DIR}/started"
    earlier = out.read(stamp) if resume else None
    if earlier is not None:
        return earlier.decode("ascii").strip()
    when = transaction_time()
    out.write(stamp, when.encode("ascii") + b"\n")
    return when

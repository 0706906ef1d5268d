"""``run_batch``: convert many diaries into bulk NDJSON or one Bundle each, resumably.

The sorted inputs are cut into chunks of ``chunk_size`` diaries. Each chunk is converted
by a worker (in this process, a process pool or a Dask cluster), which writes the chunk's
own output files. The client records every finished chunk in the journal and, at the
end, writes the ledger and the Bulk Data manifest from the journal in input order. The
output therefore depends only on the inputs and the settings (``format``, ``chunk_size``,
``max_part_bytes``), never on ``jobs`` or the engine, and a resumed run gives the same
bytes as an uninterrupted one.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

import orjson

from fhirmig.batch.inputs import BatchInput, expand_inputs
from fhirmig.batch.ledger import (
    LEDGER_NAME,
    journal_name,
    parse_journal,
    resumable,
    write_journal,
    write_ledger,
)
from fhirmig.batch.local import default_jobs, run_local
from fhirmig.batch.ndjson import (
    DEFAULT_MAX_PART_BYTES,
    ERRORS_NAME,
    PART_PATTERN,
    OutputFile,
    bulk_manifest,
    operation_outcome,
    transaction_time,
)
from fhirmig.batch.progress import Progress
from fhirmig.batch.store import STATE_DIR, Store, open_store
from fhirmig.batch.worker import (
    BUNDLES_DIR,
    DEFAULT_CONVERTER,
    ChunkResult,
    ChunkTask,
    InputResult,
)
from fhirmig.errors import BatchError, UsageError

__all__ = ["DEFAULT_CHUNK_SIZE", "FORMATS", "MANIFEST_NAME", "BatchSummary", "run_batch"]

FORMATS = ("ndjson", "bundles")
ENGINES = ("local", "dask")
DEFAULT_CHUNK_SIZE = 50
MANIFEST_NAME = "manifest.json"
_TEMP = re.compile(r"^\..+\.tmp$")
_JOURNAL = re.compile(r"^chunk-(\d{6,})\.json$")


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
    items = expand_inputs(inputs, out.location)
    if base_url is None:
        base_url = out.default_base_url
    out.ensure()
    with out.lock():
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
            for index in range(n_chunks):
                chunk = items[index * chunk_size : (index + 1) * chunk_size]
                task = ChunkTask(
                    index,
                    tuple(chunk),
                    out.location,
                    format,
                    max_part_bytes,
                    converter,
                    summaries,
                    deidentify_key,
                    keep_notes,
                    profile,
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
            run_local(tasks(), workers, record)
        summary = _finish(out, format, n_chunks, items, when, base_url, skipped)
        if meter is not None:
            meter.close()
    return summary


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


def _results(out: Store, n_chunks: int) -> Iterator[ChunkResult]:
    names = (journal_name(index) for index in range(n_chunks))
    for index, data in enumerate(out.read_many(names)):
        loaded = parse_journal(index, data)
        if loaded is None:
            raise BatchError(
                f"{out.url}: the record of chunk {index} is missing; run again with " + "{resume}",
                params=("resume",),
            )
        yield loaded[1]


def _finish(
    out: Store,
    format: str,
    n_chunks: int,
    items: Sequence[BatchInput],
    when: str,
    base_url: str | None,
    skipped: int,
) -> BatchSummary:
    """Write the ledger and the manifest from the journal; remove files of older runs."""
    patients: Counter[str] = Counter()
    files: list[OutputFile] = []
    for result in _results(out, n_chunks):
        files.extend(result.files)
        patients.update(r.patient_key for r in result.inputs if r.patient_key)
    shared = {key for key, n in patients.items() if n > 1}
    totals = {"converted": 0, "failed": 0, "resources": 0}
    by_type: Counter[str] = Counter()
    outputs: set[str] = set()

    def entries(errors: IO[bytes]) -> Iterator[dict[str, Any]]:
        for result in _results(out, n_chunks):
            for item in result.inputs:
                entry = _entry(item, format, shared, patients, out)
                if entry["status"] == "done":
                    totals["converted"] += 1
                    by_type.update(item.resources)
                    if item.output:
                        outputs.add(item.output)
                else:
                    totals["failed"] += 1
                    errors.write(orjson.dumps(operation_outcome(entry)) + b"\n")
                yield entry

    def summary() -> dict[str, Any]:
        totals["resources"] = sum(by_type.values())
        return {"inputs": len(items), **totals, "resourcesByType": dict(sorted(by_type.items()))}

    with out.writer(ERRORS_NAME) as errors:
        write_ledger(out, format, entries(errors), summary)
    failures = [OutputFile("OperationOutcome", ERRORS_NAME, totals["failed"])]
    if not totals["failed"] or format != "ndjson":
        out.remove(ERRORS_NAME)
        failures = []
    manifest: Path | str | None = None
    keep = {f.name for f in files}
    if format == "ndjson":
        manifest = out.child(MANIFEST_NAME)
        ordered = sorted(files, key=lambda f: (f.type, f.name))
        body = bulk_manifest(ordered, when=when, base_url=base_url, errors=failures)
        out.write(MANIFEST_NAME, orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    _remove_stale(out, keep, outputs, n_chunks, format)
    return BatchSummary(
        outdir=out.where,
        format=format,
        inputs=len(items),
        converted=totals["converted"],
        failed=totals["failed"],
        skipped=skipped,
        resources=totals["resources"],
        files=len(files) if format == "ndjson" else len(outputs),
        ledger=out.child(LEDGER_NAME),
        manifest=manifest,
    )


def _entry(
    item: InputResult, format: str, shared: set[str], patients: Counter[str], out: Store
) -> dict[str, Any]:
    entry = item.to_json()
    entry.pop("patientKey", None)
    if item.patient_key not in shared:
        return entry
    others = patients[item.patient_key] - 1
    if format == "bundles":
        if item.output:
            out.remove(item.output)
        return {
            "input": item.input,
            "sha256": item.sha256,
            "status": "failed",
            "errors": [
                f"{item.input}: patient.id: the same patient id is in {others} other input(s) "
                "of this batch; their bundles would overwrite each other"
            ],
        }
    entry["warnings"] = [
        f"{item.input}: patient.id: the same patient id is in {others} other input(s) "
        "of this batch; their resources share ids"
    ]
    return entry


def _remove_stale(
    out: Store,
    parts: set[str],
    bundles: set[str],
    n_chunks: int,
    format: str,
) -> None:
    """Remove output of earlier runs that this run did not produce (only fhirmig's names)."""
    for name in out.listdir():
        if (PART_PATTERN.match(name) and name not in parts) or _TEMP.match(name):
            out.remove(name)
    if format != "ndjson":
        out.remove(MANIFEST_NAME)
    for name in out.listdir(BUNDLES_DIR):
        rel = f"{BUNDLES_DIR}/{name}"
        if (name.endswith(".json") and rel not in bundles) or _TEMP.match(name):
            out.remove(rel)
    for name in out.listdir(STATE_DIR):
        match = _JOURNAL.match(name)
        if (match and int(match.group(1)) >= n_chunks) or _TEMP.match(name):
            out.remove(f"{STATE_DIR}/{name}")

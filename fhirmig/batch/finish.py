"""The end of a batch: the ledger and the Bulk Data manifest, written from the journal.

The journal entries are read twice in input order: once to index the parts and count the
patients (two diaries of one patient are reported), then to stream the ledger, the
OperationOutcomes of the failed diaries and the manifest. Nothing grows with the number of
diaries but the compact indexes of :mod:`fhirmig.batch.index`, so the time is linear in
the number of diaries and the memory flat. Finally the output of earlier runs that this
run did not produce is removed (only names fhirmig writes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from fhirmig.batch.index import KeyCounter, PartIndex
from fhirmig.batch.ledger import LEDGER_NAME, journal_name, parse_journal, write_ledger
from fhirmig.batch.ndjson import (
    ERRORS_NAME,
    PART_PATTERN,
    OutputFile,
    operation_outcome,
    write_bulk_manifest,
)
from fhirmig.batch.store import STATE_DIR, Store
from fhirmig.batch.worker import BUNDLES_DIR, ChunkResult, InputResult
from fhirmig.errors import BatchError

__all__ = ["MANIFEST_NAME", "Finished", "finish_batch"]

MANIFEST_NAME = "manifest.json"
_TEMP = re.compile(r"^\..+\.tmp$")
_JOURNAL = re.compile(r"^chunk-(\d{6,})\.json$")


@dataclass(frozen=True, slots=True)
class Finished:
    """The totals of a finished batch and where its ledger and manifest are."""

    converted: int
    failed: int
    resources: int
    files: int
    ledger: Path | str
    manifest: Path | str | None


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


def finish_batch(
    out: Store, format: str, n_chunks: int, n_inputs: int, when: str, base_url: str | None
) -> Finished:
    """Write the ledger and the manifest of the ``n_chunks`` journalled chunks.

    Raises:
        BatchError: a chunk has no journal entry.
        OutputError: a file cannot be written.
    """
    patients = KeyCounter()
    parts = PartIndex()
    for result in _results(out, n_chunks):
        parts.add(result.index, result.files)
        for r in result.inputs:
            if r.patient_key:
                patients.add(r.patient_key)
    totals = {"converted": 0, "failed": 0, "resources": 0}
    by_type: Counter[str] = Counter()
    outputs = KeyCounter()

    def entries(errors: IO[bytes]) -> Iterator[dict[str, Any]]:
        for result in _results(out, n_chunks):
            for item in result.inputs:
                entry = _entry(item, format, patients, out)
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
        return {"inputs": n_inputs, **totals, "resourcesByType": dict(sorted(by_type.items()))}

    with out.writer(ERRORS_NAME) as errors:
        write_ledger(out, format, entries(errors), summary)
    failures = [OutputFile("OperationOutcome", ERRORS_NAME, totals["failed"])]
    if not totals["failed"] or format != "ndjson":
        out.remove(ERRORS_NAME)
        failures = []
    manifest: Path | str | None = None
    if format == "ndjson":
        manifest = out.child(MANIFEST_NAME)
        with out.writer(MANIFEST_NAME) as fh:
            write_bulk_manifest(fh, iter(parts), when=when, base_url=base_url, errors=failures)
    _remove_stale(out, parts, outputs, n_chunks, format)
    return Finished(
        converted=totals["converted"],
        failed=totals["failed"],
        resources=totals["resources"],
        files=len(parts) if format == "ndjson" else totals["converted"],
        ledger=out.child(LEDGER_NAME),
        manifest=manifest,
    )


def _entry(item: InputResult, format: str, patients: KeyCounter, out: Store) -> dict[str, Any]:
    entry = item.to_json()
    entry.pop("patientKey", None)
    seen = patients.count(item.patient_key) if item.patient_key else 0
    if seen < 2:
        return entry
    others = seen - 1
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
    out: Store, parts: PartIndex, bundles: KeyCounter, n_chunks: int, format: str
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

"""The unit of work of a batch: convert one chunk of diaries and write its output files.

A chunk task is a small picklable value, so the same function runs in-process, in a
process pool or on a Dask worker. It reads each diary, converts it and writes the chunk's
NDJSON parts (or one Bundle per diary); a diary that fails is recorded with its error
lines and the chunk goes on. All resources of a diary are serialised before any of them
is written, so a diary is in the output whole or not at all.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhirmig.batch.inputs import BatchInput, is_url, read_input_bytes
from fhirmig.batch.ndjson import ChunkParts, OutputFile
from fhirmig.batch.store import Store, open_store
from fhirmig.errors import DiaryError, FhirmigError, OutputError

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = [
    "BUNDLES_DIR",
    "DEFAULT_CONVERTER",
    "ChunkResult",
    "ChunkTask",
    "InputResult",
    "bundle_file_name",
    "load_converter",
    "run_chunk",
    "warm_worker",
]

#: The converter, as ``module:function``: ``f(diary, summaries=bool)`` -> FHIR resources (dicts).
DEFAULT_CONVERTER = "fhirmig.fhir.mapping:shared_resources"  # serialised at once: no copies
#: The sub-folder holding one Bundle per diary with ``--format bundles``.
BUNDLES_DIR = "bundles"

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True, slots=True)
class ChunkTask:
    """Everything a worker needs to convert one chunk (picklable, no open resources)."""

    index: int
    inputs: tuple[BatchInput, ...]
    outdir: str
    output: str
    max_part_bytes: int
    converter: str = DEFAULT_CONVERTER
    summaries: bool = True
    #: with a key, each diary is de-identified (fhirmig.privacy) before it is converted
    deidentify_key: bytes | None = field(default=None, repr=False)
    keep_notes: bool = False
    #: ``r4`` (plain FHIR R4) or ``us-core`` (the US Core 6.1.0 profiles, fhirmig.fhir.profiles)
    profile: str = "r4"
    #: how many inputs of the batch come before this chunk (numbers de-identified inputs)
    first: int = 0

    def shown_name(self, position: int) -> str:
        """What the ledger and journal call the input at ``position`` of this chunk.

        Its name; in a de-identified batch its number (:mod:`fhirmig.batch.identity`).
        """
        if self.deidentify_key is None:
            return self.inputs[position].name
        from fhirmig.batch.identity import input_label

        return input_label(self.first + position + 1)

    def checksum(self, position: int, data: bytes) -> str:
        """The checksum the journal keeps of the input at ``position`` holding ``data``.

        Its sha256; in a de-identified batch an HMAC under the key of its name and bytes.
        """
        if self.deidentify_key is None:
            return hashlib.sha256(data).hexdigest()
        from fhirmig.batch.identity import input_digest

        return input_digest(self.deidentify_key, self.inputs[position].name, data)


@dataclass(frozen=True, slots=True)
class InputResult:
    """The outcome for one input: its checksum, status, resource counts or error lines.

    ``patient_key`` is a hash of the patient id, enough to find two diaries of one patient
    without carrying the id itself. ``keyed`` marks a de-identified batch's entry: ``input``
    is then the input's number and ``sha256`` holds a keyed digest, written as ``hmac``.
    """

    input: str
    sha256: str | None
    status: str
    resources: dict[str, int] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    output: str | None = None
    patient_key: str | None = None
    keyed: bool = False

    def to_json(self) -> dict[str, Any]:
        """The ledger entry of this input."""
        entry: dict[str, Any] = {
            "input": self.input,
            "hmac" if self.keyed else "sha256": self.sha256,
            "status": self.status,
        }
        if self.status == "done":
            entry["resources"] = self.resources
        if self.output:
            entry["output"] = self.output
        if self.errors:
            entry["errors"] = list(self.errors)
        if self.patient_key:
            entry["patientKey"] = self.patient_key
        return entry

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> InputResult:
        """Read back a ledger entry written by :meth:`to_json`."""
        keyed = "hmac" in entry
        return cls(
            input=entry["input"],
            sha256=entry.get("hmac") if keyed else entry.get("sha256"),
            status=entry["status"],
            resources=dict(entry.get("resources", {})),
            errors=tuple(entry.get("errors", ())),
            output=entry.get("output"),
            patient_key=entry.get("patientKey"),
            keyed=keyed,
        )


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What a worker hands back: one result per input and the files it wrote."""

    index: int
    inputs: tuple[InputResult, ...]
    files: tuple[OutputFile, ...]

    @property
    def resources(self) -> int:
        """Resources written by this chunk."""
        return sum(sum(r.resources.values()) for r in self.inputs)

    @property
    def failed(self) -> int:
        """Inputs of this chunk that failed."""
        return sum(1 for r in self.inputs if r.status != "done")


@cache
def _resolve(spec: str) -> Callable[..., Any]:
    module, _, name = spec.partition(":")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def bundle_file_name(patient_id: str) -> str:
    """A safe file name for a patient's Bundle: the id itself, or a hash of an unsafe id."""
    if _SAFE_NAME.fullmatch(patient_id) and ".." not in patient_id:
        return f"{patient_id}.json"
    return f"patient-{hashlib.sha256(patient_id.encode()).hexdigest()[:16]}.json"


def _parse(item: BatchInput, data: bytes, shown: str) -> Diary:
    if not item.name.lower().endswith(".csv"):
        from fhirmig.fhir.reader import parse_input

        return parse_input(data, shown)  # a diary, or fhirmig's Bundle: as every command
    from fhirmig.diary.csvformat import parse_diary_csv, read_sidecar

    stem = item.name.rsplit("/", 1)[-1][:-4]
    patient, medications = (
        (None, None) if is_url(item.location) else read_sidecar(Path(item.location))
    )
    return parse_diary_csv(data, shown, patient=patient, medications=medications, default_id=stem)


def _error_lines(exc: Exception) -> tuple[str, ...]:
    if isinstance(exc, DiaryError):
        return tuple(str(p) for p in exc.problems)
    if isinstance(exc, FhirmigError):
        return tuple(str(exc).splitlines()) or (type(exc).__name__,)
    return (f"internal error ({type(exc).__name__}) while converting; this is a bug in fhirmig",)


def _private_lines(lines: tuple[str, ...], item: BatchInput, label: str) -> tuple[str, ...]:
    """Error lines of a de-identified batch: no input name, no quoted value."""
    from fhirmig.batch.identity import redact

    names = [item.name, item.location, item.name.rsplit("/", 1)[-1]]
    for path in (item.name, item.location):
        if path.lower().endswith(".csv"):
            names.append(path[:-4] + ".patient.json")
    return tuple(redact(line, names, label) for line in lines)


def _convert(
    position: int, task: ChunkTask
) -> tuple[InputResult, list[tuple[str, bytes]], list[dict[str, Any]], str]:
    """Read, check, convert, gate and serialise one diary; a failure becomes its result."""
    from fhirmig.fhir.bundle import dumps_line
    from fhirmig.fhir.gate import check_resource

    item = task.inputs[position]
    shown = task.shown_name(position)
    keyed = task.deidentify_key is not None
    sha: str | None = None
    try:
        data = read_input_bytes(item)
        sha = task.checksum(position, data)
        diary = _parse(item, data, shown)
        if task.deidentify_key is not None:
            from fhirmig.privacy import deidentify_diary

            diary = deidentify_diary(diary, task.deidentify_key, keep_notes=task.keep_notes)
        convert = _resolve(task.converter)
        options: dict[str, Any] = {"summaries": task.summaries}
        if task.profile != "r4":
            options["profile"] = task.profile
        # Each resource is gated and serialised as it is made, while its objects are fresh
        # in memory: gating a whole list afterwards cost a third more per diary. Only a
        # Bundle (written whole later) keeps the resources themselves.
        keep = task.output == "bundles"
        resources: list[dict[str, Any]] = []
        lines: list[tuple[str, bytes]] = []
        counts: Counter[str] = Counter()
        for resource in convert(diary, **options):
            check_resource(resource)
            resource_type = str(resource["resourceType"])
            counts[resource_type] += 1
            if keep:
                resources.append(resource)
            else:
                lines.append((resource_type, dumps_line(resource)))
    except Exception as exc:  # one bad diary never stops the batch
        errors = _error_lines(exc)
        if keyed:
            errors = _private_lines(errors, item, shown)
        return InputResult(shown, sha, "failed", errors=errors, keyed=keyed), [], [], ""
    key = hashlib.sha256(diary.patient.id.encode()).hexdigest()[:16]
    result = InputResult(
        shown, sha, "done", dict(sorted(counts.items())), patient_key=key, keyed=keyed
    )
    return result, lines, resources, diary.patient.id


def _write_bundle(
    store: Store, result: InputResult, resources: list[dict[str, Any]], patient_id: str
) -> InputResult:
    """Write the diary's transaction Bundle, byte for byte what ``fhirmig convert`` writes."""
    from fhirmig.fhir.bundle import write_bundle

    name = bundle_file_name(patient_id)
    with store.writer(f"{BUNDLES_DIR}/{name}") as fh:
        write_bundle(iter(resources), fh, "transaction")
    return InputResult(
        result.input,
        result.sha256,
        "done",
        result.resources,
        output=f"{BUNDLES_DIR}/{name}",
        patient_key=result.patient_key,
        keyed=result.keyed,
    )


def load_converter() -> None:
    """Import every module converting a diary needs (the package names load lazily).

    A batch calls this before it forks its workers, so that they share the imported
    modules instead of each importing (and perhaps compiling) them again.
    """
    import fhirmig.analysis
    import fhirmig.analysis.compute
    import fhirmig.diary.reader
    import fhirmig.fhir.bundle
    import fhirmig.fhir.gate
    import fhirmig.fhir.mapping
    import fhirmig.fhir.reader
    import fhirmig.fhir.summary  # noqa: F401 - imported for their module-level work


def warm_worker() -> None:
    """In a worker process, before its first chunk: import what converting needs, then
    put every object made so far (modules, tables, compiled rules) out of the cyclic
    garbage collector's sight (``gc.freeze``).

    Those objects live as long as the process anyway; without this, each collection a
    chunk triggers walks all of them again, which costs about a tenth of a diary's CPU.
    """
    import gc

    load_converter()
    gc.freeze()


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Convert every input of ``task`` and write its output; never raises for a bad diary.

    Raises:
        OutputError: an output file cannot be written (the chunk's unfinished parts are
            removed first).
    """
    store = open_store(task.outdir)
    results: list[InputResult] = []
    if task.output == "bundles":
        store.ensure(BUNDLES_DIR)
        try:
            for position in range(len(task.inputs)):
                result, _, resources, patient_id = _convert(position, task)
                if result.status == "done":
                    result = _write_bundle(store, result, resources, patient_id)
                results.append(result)
        except OSError as exc:
            where = store.child(BUNDLES_DIR)
            raise OutputError(f"{where}: cannot write a bundle ({exc.strerror})") from None
        return ChunkResult(task.index, tuple(results), ())
    parts = ChunkParts(store, task.index, task.max_part_bytes)
    try:
        for position in range(len(task.inputs)):
            result, lines, _, _ = _convert(position, task)
            for resource_type, line in lines:
                parts.add(resource_type, line)
            results.append(result)
        files = parts.close()
    except OSError as exc:
        parts.abort()
        raise OutputError(f"{store.url}: cannot write a part ({exc.strerror})") from None
    except BaseException:
        parts.abort()
        raise
    return ChunkResult(task.index, tuple(results), tuple(files))

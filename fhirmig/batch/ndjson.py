"""Bulk NDJSON output: one resource type per file, parts of bounded size, a Bulk Data manifest.

Each chunk of diaries writes its own parts, named ``<Type>.<chunk>-<part>.ndjson``
(``Observation.000003-001.ndjson``), so workers never share a file and the layout depends
only on the sorted inputs, the chunk size and the part limit, never on how many workers
ran or in which order they finished. A part is written to a temporary file and renamed
when complete, so a crash leaves whole parts or none.

The manifest has the shape of the response of a FHIR Bulk Data ``$export``
(https://hl7.org/fhir/uv/bulkdata/export.html#response---complete-status): ``output``
lists every file with its ``type``, ``url`` and ``count``, and ``error`` the file of
OperationOutcomes, one per diary that failed.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from fhirmig.errors import OutputError
from fhirmig.files import FILE_MODE

if TYPE_CHECKING:
    from fhirmig.batch.store import PartWriter, Store

__all__ = [
    "DEFAULT_MAX_PART_BYTES",
    "ERRORS_NAME",
    "PART_PATTERN",
    "ChunkParts",
    "LocalPart",
    "OutputFile",
    "bulk_manifest",
    "operation_outcome",
    "part_name",
    "transaction_time",
    "write_bulk_manifest",
]

#: Default upper bound of one NDJSON part (a single larger resource gets a part of its own).
DEFAULT_MAX_PART_BYTES = 32 * 1024 * 1024
#: The OperationOutcomes of the diaries that failed (listed under ``error`` in the manifest).
ERRORS_NAME = "OperationOutcome.errors.ndjson"
#: The names of part files; anything else in the output folder is left alone.
PART_PATTERN = re.compile(r"^[A-Z][A-Za-z]{1,63}\.\d{6,}-\d{3,}\.ndjson$")


def part_name(resource_type: str, chunk: int, part: int) -> str:
    """The file name of part ``part`` (from 1) of ``resource_type`` in chunk ``chunk``."""
    return f"{resource_type}.{chunk:06d}-{part:03d}.ndjson"


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One finished NDJSON part: its resource type, file name and number of resources."""

    type: str
    name: str
    count: int


class LocalPart:
    """A part being written to a folder: a private temporary file renamed on commit."""

    def __init__(self, folder: Path, name: str) -> None:
        self.target = folder / name
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{self.target}: cannot write ({exc.strerror})") from None
        self.tmp = tmp
        os.fchmod(fd, FILE_MODE)
        self.fh: IO[bytes] = os.fdopen(fd, "wb")
        self.size = 0
        self.count = 0

    def write(self, line: bytes) -> None:
        self.fh.write(line)
        self.size += len(line)
        self.count += 1

    def commit(self) -> None:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.target}: cannot write ({exc.strerror})") from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


class ChunkParts:
    """The NDJSON parts of one chunk: lines are routed to their type's current part.

    Lines of one type keep the order they were added in (input order, then the
    converter's order). ``close`` commits every open part and returns the finished files,
    sorted by type then part; ``abort`` removes the unfinished ones.
    """

    def __init__(self, store: Store, chunk: int, max_part_bytes: int) -> None:
        if max_part_bytes < 1:
            raise ValueError("max_part_bytes must be positive")
        self.store = store
        self.chunk = chunk
        self.limit = max_part_bytes
        self._open: dict[str, PartWriter] = {}
        self._names: dict[str, str] = {}
        self._numbers: dict[str, int] = {}
        self._done: list[OutputFile] = []

    def add(self, resource_type: str, line: bytes) -> None:
        """Append one NDJSON line (ending in a newline) of ``resource_type``."""
        part = self._open.get(resource_type)
        if part is not None and part.size + len(line) > self.limit:
            self._finish(resource_type)
            part = None
        if part is None:
            number = self._numbers.get(resource_type, 0) + 1
            self._numbers[resource_type] = number
            name = part_name(resource_type, self.chunk, number)
            part = self.store.part(name)
            self._open[resource_type] = part
            self._names[resource_type] = name
        part.write(line)

    def _finish(self, resource_type: str) -> None:
        part = self._open.pop(resource_type)
        part.commit()
        self._done.append(OutputFile(resource_type, self._names[resource_type], part.count))

    def close(self) -> list[OutputFile]:
        """Commit every open part; the chunk's files in (type, part) order."""
        for resource_type in sorted(self._open):
            self._finish(resource_type)
        return sorted(self._done, key=lambda f: (f.type, f.name))

    def abort(self) -> None:
        """Remove every part not yet committed."""
        for part in self._open.values():
            part.discard()
        self._open.clear()


def transaction_time() -> str:
    """The export's ``transactionTime``: ``SOURCE_DATE_EPOCH`` when set, else now (UTC)."""
    from fhirmig.clock import now

    return now().strftime("%Y-%m-%dT%H:%M:%SZ")


def bulk_manifest(
    files: Iterable[OutputFile],
    *,
    when: str,
    base_url: str | None = None,
    errors: Iterable[OutputFile] = (),
    request: str = "fhirmig batch",
) -> dict[str, Any]:
    """A Bulk Data export response listing ``files`` (and OperationOutcome ``errors``).

    ``url`` is the file name, or ``base_url`` joined with it when given (the Bulk Data
    specification asks for absolute URLs once the files are served).
    """

    return {
        "transactionTime": when,
        "request": request,
        "requiresAccessToken": False,
        "output": [_entry(f, base_url) for f in files],
        "error": [_entry(f, base_url) for f in errors],
    }


def _entry(f: OutputFile, base_url: str | None) -> dict[str, Any]:
    url = f"{base_url.rstrip('/')}/{f.name}" if base_url else f.name
    return {"type": f.type, "url": url, "count": f.count}


def write_bulk_manifest(
    fh: IO[bytes],
    files: Iterable[OutputFile],
    *,
    when: str,
    base_url: str | None = None,
    errors: Iterable[OutputFile] = (),
) -> None:
    """Write :func:`bulk_manifest` as indented JSON, one ``output`` entry at a time.

    The bytes are those of ``orjson.dumps(bulk_manifest(...), option=OPT_INDENT_2)`` and a
    newline, without the list of every part in memory.
    """
    marker = "\x01fhirmig-output\x01"
    body = bulk_manifest([], when=when, base_url=base_url, errors=errors)
    body["output"] = [marker]
    text = orjson.dumps(body, option=orjson.OPT_INDENT_2)
    before, after = text.split(b"    " + orjson.dumps(marker), 1)
    first = True
    for f in files:
        entry = orjson.dumps(_entry(f, base_url), option=orjson.OPT_INDENT_2)
        fh.write(before if first else b",\n")
        fh.write(b"\n".join(b"    " + line for line in entry.split(b"\n")))
        first = False
    if first:
        body["output"] = []
        fh.write(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        fh.write(after + b"\n")


def operation_outcome(entry: dict[str, Any]) -> dict[str, Any]:
    """The OperationOutcome of a failed ledger entry: one issue per error line."""
    from fhirmig.fhir.ids import NAMESPACE

    seed = f"batch-error|{entry['input']}|{entry.get('sha256')}"
    return {
        "resourceType": "OperationOutcome",
        "id": str(uuid.uuid5(NAMESPACE, seed)),
        "issue": [
            {"severity": "error", "code": "invalid", "diagnostics": line}
            for line in entry.get("errors", ["failed"])
        ],
    }

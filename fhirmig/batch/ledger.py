"""The batch ledger: what happened to every input, kept so that a batch can be resumed.

While a batch runs, the client records each finished chunk in a journal entry
(``.fhirmig-batch/chunk-NNNNNN.json``, written atomically). An entry holds the chunk's
identity (a hash of the settings and of every input's name and sha256), the result of
each input and the files written. A de-identified batch writes numbers for names, keyed
digests for hashes and an HMAC for the identity (:mod:`fhirmig.batch.identity`), so its
folder says nothing about the originals or the key. ``--resume`` skips a chunk whose
entry matches the inputs as they are now and whose files are all present; everything
else is converted again, which gives the same bytes. At the end the entries are
streamed, in input order, into ``ledger.json``, the one file a user reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from fhirmig._version import __version__
from fhirmig.batch.identity import key_fingerprint, keyed_id
from fhirmig.batch.inputs import read_input_bytes
from fhirmig.batch.ndjson import OutputFile
from fhirmig.batch.store import STATE_DIR, Store, batch_lock
from fhirmig.batch.worker import ChunkResult, ChunkTask, InputResult
from fhirmig.errors import FhirmigError

__all__ = [
    "LEDGER_FORMAT",
    "LEDGER_NAME",
    "STATE_DIR",
    "batch_lock",
    "chunk_id",
    "journal_name",
    "journal_path",
    "load_journal",
    "parse_journal",
    "read_checksum",
    "resumable",
    "write_journal",
    "write_ledger",
]

LEDGER_NAME = "ledger.json"
LEDGER_FORMAT = "fhirmig-batch-ledger/1"
_LAYOUT = 1


def chunk_id(task: ChunkTask, checksums: Sequence[str | None]) -> str:
    """The identity of a chunk: settings, position and every input's name and checksum.

    The fhirmig version is part of it: after an upgrade the mapping may differ, so
    ``--resume`` converts everything again rather than mix two versions' output. In a
    de-identified batch the names are the inputs' numbers, the checksums keyed digests and
    the identity an HMAC under the key, so another key means another identity.
    """
    key = task.deidentify_key
    ident = {
        "layout": _LAYOUT,
        "fhirmig": __version__,
        "output": task.output,
        "maxPartBytes": task.max_part_bytes,
        "converter": task.converter,
        "summaries": task.summaries,
        "profile": task.profile,
        # the key itself never reaches the journal: only whether and with which key
        "deidentify": None if key is None else [key_fingerprint(key), task.keep_notes],
        "index": task.index,
        "inputs": [
            [task.shown_name(n), c] for n, c in zip(range(len(task.inputs)), checksums, strict=True)
        ],
    }
    identity = orjson.dumps(ident)
    if key is not None:
        return keyed_id(key, identity)
    return hashlib.sha256(identity).hexdigest()


def journal_name(index: int) -> str:
    """The name (in the store) of the journal entry of chunk ``index``."""
    return f"{STATE_DIR}/chunk-{index:06d}.json"


def journal_path(outdir: Path, index: int) -> Path:
    """Where the journal entry of chunk ``index`` lives in a local folder."""
    return outdir / journal_name(index)


def write_journal(store: Store, task: ChunkTask, result: ChunkResult) -> None:
    """Record a finished chunk (atomically, so a kill leaves the old entry or the new one)."""
    ident = chunk_id(task, [r.sha256 for r in result.inputs])
    entry = {
        "id": ident,
        "inputs": [r.to_json() for r in result.inputs],
        "files": [{"type": f.type, "name": f.name, "count": f.count} for f in result.files],
    }
    store.write(journal_name(task.index), orjson.dumps(entry) + b"\n")


def parse_journal(index: int, data: bytes | None) -> tuple[str, ChunkResult] | None:
    """The id and result recorded in the journal entry ``data`` of chunk ``index``."""
    if data is None:
        return None
    try:
        raw = orjson.loads(data)
        inputs = tuple(InputResult.from_json(e) for e in raw["inputs"])
        files = tuple(OutputFile(f["type"], f["name"], int(f["count"])) for f in raw["files"])
        return str(raw["id"]), ChunkResult(index, inputs, files)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def load_journal(store: Store, index: int) -> tuple[str, ChunkResult] | None:
    """The recorded id and result of chunk ``index``, or None when absent or unreadable."""
    return parse_journal(index, store.read(journal_name(index)))


def read_checksum(task: ChunkTask, position: int) -> str | None:
    """The checksum (:meth:`ChunkTask.checksum`) of an input as it is now, or None when it
    cannot be read."""
    try:
        return task.checksum(position, read_input_bytes(task.inputs[position]))
    except FhirmigError:
        return None


def resumable(store: Store, task: ChunkTask) -> ChunkResult | None:
    """The recorded result of ``task`` when its inputs are unchanged and its files present."""
    loaded = load_journal(store, task.index)
    if loaded is None:
        return None
    ident, result = loaded
    positions = range(len(task.inputs))
    if [r.input for r in result.inputs] != [task.shown_name(n) for n in positions]:
        return None
    if chunk_id(task, [read_checksum(task, n) for n in positions]) != ident:
        return None
    names = [f.name for f in result.files] + [r.output for r in result.inputs if r.output]
    if not all(store.exists(n) for n in names):
        return None
    return result


def write_ledger(
    store: Store,
    output: str,
    entries: Iterator[dict[str, Any]],
    summary_of: Any,
) -> None:
    """Stream ``entries`` into the ledger file, one input per line, then the summary.

    ``summary_of`` is called after the last entry and returns the summary object, so
    the entries never have to be held in memory together.
    """
    with store.writer(LEDGER_NAME) as fh:
        _write_ledger(fh, output, entries, summary_of)


def _write_ledger(
    fh: IO[bytes], output: str, entries: Iterator[dict[str, Any]], summary_of: Any
) -> None:
    fh.write(b'{"format": ' + orjson.dumps(LEDGER_FORMAT))
    fh.write(b', "output": ' + orjson.dumps(output) + b',\n "inputs": [')
    first = True
    for entry in entries:
        fh.write((b"\n  " if first else b",\n  ") + orjson.dumps(entry))
        first = False
    fh.write(b"\n ],\n" if not first else b"],\n")
    fh.write(b' "summary": ' + orjson.dumps(summary_of()) + b"}\n")

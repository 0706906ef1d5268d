"""The input list of a batch, sorted and de-duplicated on disk, so the client stays small.

A batch of millions of diaries must not hold millions of names in the client. The inputs
named by the patterns are streamed (:func:`fhirmig.batch.inputs.iter_inputs`) into
sorted runs of ``RUN_SIZE`` entries in a private temporary folder, merged once to drop
repeated locations (the first pattern naming a file wins, as in
:func:`~fhirmig.batch.inputs.expand_inputs`) and merged again into input order (name, then
location). The client then reads the list back one chunk at a time. A batch of fewer
than ``RUN_SIZE`` inputs is sorted in memory and never touches the disk. Either way the
order is exactly that of :func:`~fhirmig.batch.inputs.expand_inputs`.
"""

from __future__ import annotations

import heapq
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import orjson

from fhirmig.batch.inputs import BatchInput, iter_inputs, sort_key

__all__ = ["RUN_SIZE", "InputList", "spool_inputs"]

#: Entries sorted in memory at a time; larger batches are sorted in runs on disk.
RUN_SIZE = 4096
#: Runs merged at once (each an open file); more runs are first merged in rounds.
FAN_IN = 128

#: One spooled entry: (name, location, refused, sequence in pattern order)
_Entry = tuple[str, str, str | None, int]
_Key = Callable[[_Entry], tuple[str, str | int]]


class InputList:
    """The sorted inputs of a batch: their number, and their entries chunk by chunk."""

    def __init__(self, count: int, memory: list[BatchInput] | None, path: Path | None) -> None:
        self.count = count
        self._memory = memory
        self._path = path

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[BatchInput]:
        if self._memory is not None or self._path is None:
            yield from self._memory or ()
            return
        with self._path.open("rb") as fh:
            for line in fh:
                name, location, refused = orjson.loads(line)
                yield BatchInput(name, location, refused)

    def chunks(self, size: int) -> Iterator[tuple[BatchInput, ...]]:
        """The inputs in consecutive chunks of ``size`` (the last one may be shorter)."""
        items = iter(self)
        while chunk := tuple(itertools.islice(items, size)):
            yield chunk


def spool_inputs(
    patterns: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str] | None,
    folder: Path,
) -> InputList:
    """The inputs named by ``patterns`` in input order, each location once.

    ``folder`` is a private temporary folder for the runs, removed by the caller.

    Raises:
        BatchError: a pattern names nothing (see :func:`~fhirmig.batch.inputs.iter_inputs`).
    """
    stream = iter_inputs(patterns, outdir)
    first = list(itertools.islice(stream, RUN_SIZE))
    if len(first) < RUN_SIZE:  # small batch: in memory, as expand_inputs does
        found: dict[str, BatchInput] = {}
        for item in first:
            found.setdefault(item.location, item)
        ordered = sorted(found.values(), key=sort_key)
        return InputList(len(ordered), ordered, None)
    numbered = (
        (i.name, i.location, i.refused, n) for n, i in enumerate(itertools.chain(first, stream))
    )
    del first

    def by_location(e: _Entry) -> tuple[str, int]:
        return (e[1], e[3])

    def by_name(e: _Entry) -> tuple[str, str]:
        return (e[0], e[1])

    runs = _reduce(_runs(numbered, by_location, folder, "loc"), by_location, folder, "loc")
    unique = _first_per_location(_merge(runs, by_location))
    named = _reduce(_runs(unique, by_name, folder, "name"), by_name, folder, "name")
    path = folder / "inputs.jsonl"
    count = 0
    with path.open("wb") as out:
        for name, location, refused, _ in _merge(named, by_name):
            out.write(orjson.dumps([name, location, refused]) + b"\n")
            count += 1
    for run in runs + named:
        run.unlink()
    return InputList(count, None, path)


def _runs(entries: Iterable[_Entry], key: _Key, folder: Path, tag: str) -> list[Path]:
    """Write ``entries`` as sorted runs of ``RUN_SIZE`` into ``folder``."""
    runs: list[Path] = []
    items = iter(entries)
    while batch := list(itertools.islice(items, RUN_SIZE)):
        batch.sort(key=key)
        path = folder / f"{tag}-{len(runs):05d}.jsonl"
        with path.open("wb") as fh:
            fh.writelines(orjson.dumps(e) + b"\n" for e in batch)
        runs.append(path)
    return runs


def _reduce(runs: list[Path], key: _Key, folder: Path, tag: str) -> list[Path]:
    """Merge ``runs`` in rounds of ``FAN_IN`` until at most ``FAN_IN`` are left."""
    level = 0
    while len(runs) > FAN_IN:
        level += 1
        merged: list[Path] = []
        for start in range(0, len(runs), FAN_IN):
            group = runs[start : start + FAN_IN]
            path = folder / f"{tag}-merge{level}-{len(merged):05d}.jsonl"
            with path.open("wb") as fh:
                fh.writelines(orjson.dumps(e) + b"\n" for e in _merge(group, key))
            for run in group:
                run.unlink()
            merged.append(path)
        runs = merged
    return runs


def _read(fh: IO[bytes]) -> Iterator[_Entry]:
    for line in fh:
        name, location, refused, seq = orjson.loads(line)
        yield name, location, refused, seq


def _merge(runs: list[Path], key: _Key) -> Iterator[_Entry]:
    """The entries of every run in ``key`` order."""
    handles = [run.open("rb") for run in runs]
    try:
        yield from heapq.merge(*(_read(h) for h in handles), key=key)
    finally:
        for h in handles:
            h.close()


def _first_per_location(entries: Iterator[_Entry]) -> Iterator[_Entry]:
    """Of the entries sorted by (location, sequence), the first of each location."""
    last: str | None = None
    for entry in entries:
        if entry[1] != last:
            last = entry[1]
            yield entry

"""Compact indexes the client keeps while it writes the ledger and the manifest.

Writing the ledger of a batch needs to know which patients appear in more than one
diary, and the manifest lists every part. Held as Python objects, both grow by hundreds
of bytes per diary; these keep 16 bytes per patient and a few bytes per part, so the
client's memory stays flat from thousands to millions of diaries.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator

from fhirmig.batch.ndjson import OutputFile, part_name

__all__ = ["KeyCounter", "PartIndex"]


class KeyCounter:
    """How often each key was added: an open-addressing table of 8-byte digests.

    Only keys seen more than once get a Python object (in ``repeated``), so a batch of
    distinct patients costs 16 bytes a key. Two different keys share a digest with a
    chance of about n²/2⁶⁵ (for ten million keys, 3 in a million).
    """

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * 1024))
        self._used = 0
        self.repeated: dict[int, int] = {}

    @staticmethod
    def _digest(key: str) -> int:
        value = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
        return value or 1  # 0 marks an empty slot

    def add(self, key: str) -> None:
        """Count one more ``key``."""
        digest = self._digest(key)
        if self._insert(digest):
            self.repeated[digest] = self.repeated.get(digest, 1) + 1

    def count(self, key: str) -> int:
        """How many times ``key`` was added."""
        digest = self._digest(key)
        if digest in self.repeated:
            return self.repeated[digest]
        return 1 if self._find(digest) else 0

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.count(key) > 0

    def _slot(self, digest: int) -> int:
        """The slot holding ``digest``, else the empty slot where its probe ends."""
        slots = self._slots
        mask = len(slots) - 1
        i = digest & mask
        while slots[i] and slots[i] != digest:
            i = (i + 1) & mask
        return i

    def _find(self, digest: int) -> bool:
        return self._slots[self._slot(digest)] == digest

    def _insert(self, digest: int) -> bool:
        """Put ``digest`` in the table; True when it was there already."""
        if 2 * (self._used + 1) > len(self._slots):
            self._grow()
        i = self._slot(digest)
        if self._slots[i] == digest:
            return True
        self._slots[i] = digest
        self._used += 1
        return False

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._used = 0
        for digest in old:
            if digest:
                self._insert(digest)


class PartIndex:
    """The NDJSON parts of a batch, per resource type: how many parts each chunk wrote.

    Chunks are added in index order, so the parts of one type come out in name order,
    as the manifest lists them, without keeping their names.
    """

    def __init__(self) -> None:
        self._parts: dict[str, array[int]] = {}
        self._counts: dict[str, array[int]] = {}
        self._chunks: dict[str, array[int]] = {}

    def add(self, chunk: int, files: tuple[OutputFile, ...]) -> None:
        """Record the files of ``chunk`` (chunks in increasing order)."""
        for f in files:
            self._chunks.setdefault(f.type, array("q")).append(chunk)
            self._parts.setdefault(f.type, array("q")).append(_part_number(f.name))
            self._counts.setdefault(f.type, array("q")).append(f.count)

    def __len__(self) -> int:
        return sum(len(a) for a in self._counts.values())

    def __iter__(self) -> Iterator[OutputFile]:
        """Every part in (type, name) order."""
        for kind in sorted(self._counts):
            rows = zip(self._chunks[kind], self._parts[kind], self._counts[kind], strict=True)
            files = (OutputFile(kind, part_name(kind, c, p), n) for c, p, n in rows)
            if self._chunks[kind] and self._chunks[kind][-1] >= 1_000_000:
                yield from sorted(files, key=lambda f: f.name)  # names no longer pad evenly
            else:
                yield from files

    def __contains__(self, name: object) -> bool:
        """True when ``name`` is one of the parts."""
        return isinstance(name, str) and any(f.name == name for f in self._of(name))

    def _of(self, name: str) -> Iterator[OutputFile]:
        kind = name.split(".", 1)[0]
        if kind not in self._counts:
            return
        chunk = int(name.split(".", 2)[1].split("-", 1)[0])
        chunks = self._chunks[kind]
        i = bisect_left(chunks, chunk)
        while i < len(chunks) and chunks[i] == chunk:
            yield OutputFile(kind, part_name(kind, chunk, self._parts[kind][i]), 0)
            i += 1


def _part_number(name: str) -> int:
    return int(name.rsplit("-", 1)[1].split(".", 1)[0])

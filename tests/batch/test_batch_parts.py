"""NDJSON parts (bounded, atomic) and the progress display."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fhirmig.batch import Progress
from fhirmig.batch.ndjson import PART_PATTERN, ChunkParts, OutputFile, bulk_manifest, part_name
from fhirmig.batch.store import LocalStore


def test_parts_roll_over_and_keep_line_order(tmp_path: Path) -> None:
    parts = ChunkParts(LocalStore(tmp_path), 7, max_part_bytes=25)
    for i in range(6):
        parts.add("Observation", b'{"n":%d}\n' % i)  # 8 bytes each
    parts.add("Patient", b'{"a_line_longer_than_the_limit":1}\n')
    files = parts.close()
    assert files == [
        OutputFile("Observation", "Observation.000007-001.ndjson", 3),
        OutputFile("Observation", "Observation.000007-002.ndjson", 3),
        OutputFile("Patient", "Patient.000007-001.ndjson", 1),
    ]
    assert (
        tmp_path / "Observation.000007-002.ndjson"
    ).read_bytes() == b'{"n":3}\n{"n":4}\n{"n":5}\n'
    assert all(PART_PATTERN.match(f.name) for f in files)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in files)


def test_an_aborted_chunk_leaves_no_file(tmp_path: Path) -> None:
    parts = ChunkParts(LocalStore(tmp_path), 1, max_part_bytes=1000)
    parts.add("Patient", b"{}\n")
    assert [p.name for p in tmp_path.iterdir()] == [next(tmp_path.iterdir()).name]
    assert next(tmp_path.iterdir()).name.endswith(".tmp")
    parts.abort()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError):
        ChunkParts(LocalStore(tmp_path), 1, max_part_bytes=0)


def test_manifest_shape() -> None:
    files = [OutputFile("Patient", part_name("Patient", 0, 1), 2)]
    manifest = bulk_manifest(files, when="2026-01-01T00:00:00Z", base_url="https://x.org/e/")
    assert manifest == {
        "transactionTime": "2026-01-01T00:00:00Z",
        "request": "fhirmig batch",
        "requiresAccessToken": False,
        "output": [
            {"type": "Patient", "url": "https://x.org/e/Patient.000000-001.ndjson", "count": 2}
        ],
        "error": [],
    }


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_lines_when_not_a_terminal() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(100, out, tty=False, clock=clock)
    for step in range(20):
        clock.now = step + 1.0
        progress.update(5, 50, 1 if step == 3 else 0)
    progress.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10  # nine tenths, then the final line
    assert lines[0] == "batch: 10/100 diaries, 100 resources, 0 errors, 5.0 diaries/s"
    assert lines[-1] == "batch: 100/100 diaries, 1,000 resources, 1 error, 5.0 diaries/s"


def test_progress_bar_on_a_terminal() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(4, out, tty=True, clock=clock)
    clock.now = 2.0
    progress.update(2, 30, 0, skipped=True)
    clock.now = 4.0
    progress.update(2, 30, 1)
    progress.close()
    frames = out.getvalue().split("\r")
    assert frames[1] == "[############............] 2/4 diaries  30 resources  0.0/s  0 errors"
    assert frames[-1] == "[########################] 4/4 diaries  60 resources  0.5/s  1 error\n"

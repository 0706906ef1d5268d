"""Helpers of the batch tests: diaries to feed a batch, a converter that can be slowed down."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from fhirmig.diary.model import Diary

CONVERTER = "batch_helpers:converting"


def converting(diary: Diary, summaries: bool = True) -> list[dict[str, Any]]:
    """fhirmig's own conversion, slowed down or failing on request of the environment.

    ``BATCH_TEST_SLOW`` (seconds per diary) lets a test kill a batch half-way;
    ``BATCH_TEST_CRASH_ON`` (an attack id) stands for a bug hit by one diary.
    """
    from fhirmig.fhir import diary_to_resources

    if os.environ.get("BATCH_TEST_SLOW"):
        time.sleep(float(os.environ["BATCH_TEST_SLOW"]))
    if any(a.id == os.environ.get("BATCH_TEST_CRASH_ON") for a in diary.attacks):
        raise RuntimeError("injected failure")
    return diary_to_resources(diary, summaries=summaries)


def resource_counts(path: Path, summaries: bool = True) -> dict[str, int]:
    """Resources per type that converting the diary at ``path`` alone gives."""
    from fhirmig.diary import read_diary
    from fhirmig.fhir import diary_to_resources

    counts: dict[str, int] = {}
    for resource in diary_to_resources(read_diary(path), summaries=summaries):
        counts[resource["resourceType"]] = counts.get(resource["resourceType"], 0) + 1
    return dict(sorted(counts.items()))


def diary(pid: str, attacks: int = 3, tz: str = "Europe/Lisbon") -> dict[str, Any]:
    """A valid diary with ``attacks`` attacks."""
    return {
        "format": "fhirmig-diary/1",
        "patient": {"id": pid, "timezone": tz},
        "attacks": [
            {
                "id": f"a{i}",
                "start": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00",
                "durationMinutes": 60 + i,
                "intensity": i % 11,
            }
            for i in range(attacks)
        ],
    }


def write_diaries(folder: Path, n: int, attacks: int = 3) -> list[Path]:
    """``n`` valid diaries ``d0000.json``... in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"d{i:04d}.json"
        p.write_text(json.dumps(diary(f"p-{i:04d}", attacks + i % 3)), encoding="utf-8")
        paths.append(p)
    return paths


def mixed_folder(folder: Path) -> None:
    """Good diaries and one of every kind of bad file."""
    write_diaries(folder, 9)
    (folder / "bad-json.json").write_text('{"format": "fhirmig-diary/1", "patient": ', "utf-8")
    bad = diary("p-bad")
    bad["attacks"][1]["intensity"] = 15
    (folder / "bad-value.json").write_text(json.dumps(bad), "utf-8")
    (folder / "empty.json").write_bytes(b"")
    (folder / "latin1.json").write_bytes(
        '{"format": "fhirmig-diary/1", "x": "Müller"}'.encode("latin-1")
    )
    (folder / "rows.csv").write_text(
        "id,start,intensity\nr1,2026-03-01T12:00,3\nr2,2026-03-02T12:00,eleven\n", "utf-8"
    )
    (folder / "good.csv").write_text("id,start,intensity\ng1,2026-03-01T12:00,3\n", "utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes), the lock file left out."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "lock"
    }

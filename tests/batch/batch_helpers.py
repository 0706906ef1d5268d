"""Helpers of the batch tests: a small deterministic converter and diary files to feed it.

The converter maps a diary to a Patient and one Condition per attack (plain FHIR R4 JSON),
enough to exercise the batch machinery quickly and independently of the full mapping.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from fhirmig.diary.model import Diary

CONVERTER = "batch_helpers:small_resources"
BUNDLER = "batch_helpers:small_bundle"


def _uuid(*parts: str) -> str:
    h = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def small_resources(diary: Diary) -> list[dict[str, Any]]:
    """A Patient and one Observation per attack: the pain intensity."""
    pid = _uuid(diary.patient.id)
    if os.environ.get("BATCH_TEST_SLOW"):
        time.sleep(float(os.environ["BATCH_TEST_SLOW"]))
    out: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "identifier": [{"system": "urn:fhirmig:test", "value": diary.patient.id}],
        }
    ]
    for attack in diary.attacks:
        if os.environ.get("BATCH_TEST_CRASH_ON") == attack.id:
            raise RuntimeError("injected failure")
        out.append(
            {
                "resourceType": "Observation",
                "id": _uuid(diary.patient.id, attack.id),
                "status": "final",
                "code": {"text": "pain intensity"},
                "subject": {"reference": f"Patient/{pid}"},
                "effectiveDateTime": attack.start.isoformat(),
                "valueInteger": attack.intensity,
            }
        )
    return out


def small_bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A transaction Bundle of ``resources`` (PUT by id)."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }


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


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes), the lock file left out."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "lock"
    }

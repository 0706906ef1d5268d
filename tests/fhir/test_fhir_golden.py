"""Golden files pin the exact FHIR of one small diary (compared as parsed JSON).

After an intended change of the mapping, regenerate them with
``FHIRMIG_UPDATE_GOLDEN=1 pytest tests/fhir/test_fhir_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fhirmig.diary import read_diary
from fhirmig.fhir import convert_diary

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("fmt", ["transaction", "collection"])
def test_bundle_matches_golden(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"{fmt}.json"
    convert_diary(read_diary(GOLDEN / "small-diary.json"), out, fmt)  # type: ignore[arg-type]
    expected_file = GOLDEN / f"small-diary.{fmt}.json"
    actual = json.loads(out.read_bytes())
    if os.environ.get("FHIRMIG_UPDATE_GOLDEN"):
        expected_file.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(expected_file.read_text("utf-8"))


def test_ndjson_matches_golden(tmp_path: Path) -> None:
    convert_diary(read_diary(GOLDEN / "small-diary.json"), tmp_path / "nd", "ndjson")
    actual = {
        p.name: [json.loads(line) for line in p.read_text("utf-8").splitlines()]
        for p in sorted((tmp_path / "nd").glob("*.ndjson"))
    }
    expected_file = GOLDEN / "small-diary.ndjson.json"
    if os.environ.get("FHIRMIG_UPDATE_GOLDEN"):
        expected_file.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(expected_file.read_text("utf-8"))

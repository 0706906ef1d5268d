"""Inputs the fuzzer once crashed the readers with: each now gets the package's own error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import parse_diary_csv, parse_diary_json
from fhirmig.errors import DiaryError, MappingError


def _json(**parts: Any) -> bytes:
    data: dict[str, Any] = {"format": "fhirmig-diary/1", "patient": {"id": "p"}}
    data.update(parts)
    return json.dumps(data).encode()


ATTACK = {"id": "a", "start": "2026-01-01T10:00Z", "end": "2026-01-01T12:00Z", "intensity": 3}


def test_infinite_duration_in_json() -> None:
    with pytest.raises(DiaryError):
        parse_diary_json(_json(attacks=[{**ATTACK, "durationMinutes": 1e300}]), "d.json")


def test_nan_duration_in_csv() -> None:
    data = (
        b"id,start,end,duration_minutes,intensity\r\na,2026-01-01T10:00,2026-01-01T11:00,NaN,3\r\n"
    )
    with pytest.raises(DiaryError):
        parse_diary_csv(data, "d.csv")


def test_list_as_medication_id() -> None:
    with pytest.raises(DiaryError, match=r"medications\[0\]\.id"):
        parse_diary_json(_json(medications=[{"id": [], "name": "x"}]), "d.json")


def test_superscript_digit_in_a_key() -> None:
    with pytest.raises(DiaryError):
        parse_diary_json(_json(patient={"²": None}), "d.json")


def test_fhir_identifier_that_is_not_an_object(tmp_path: Path) -> None:
    from fhirmig.fhir import load_input

    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p"}},
            {"resource": {"resourceType": "Observation", "id": "o", "identifier": ["x"]}},
        ],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(MappingError, match="Observation/o"):
        load_input(path)


def test_deeply_nested_sidecar(tmp_path: Path) -> None:
    from fhirmig.diary import read_diary

    (tmp_path / "d.csv").write_text("id,start,intensity\r\na,2026-01-01T10:00,3\r\n")
    (tmp_path / "d.patient.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DiaryError, match=r"d\.patient\.json"):
        read_diary(tmp_path / "d.csv")


def test_superscript_digit_in_a_csv_patient_key() -> None:
    data = b"id,start,intensity\r\na,2026-01-01T10:00,3\r\n"
    with pytest.raises(DiaryError, match=r"patient\.name"):
        parse_diary_csv(data, "d.csv", patient={"id": None, "name": {" \u00b2": None}})

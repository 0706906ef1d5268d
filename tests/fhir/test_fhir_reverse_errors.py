"""FHIR input that is not fhirmig's shape is refused with a clear MappingError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhirmig.diary import read_diary
from fhirmig.errors import MappingError
from fhirmig.fhir import (
    collection_bundle,
    diary_to_resources,
    read_fhir,
    resources_to_diary,
    write_ndjson,
)

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def resources() -> list[dict]:  # type: ignore[type-arg]
    return diary_to_resources(read_diary(GOLDEN / "small-diary.json"))


def test_dangling_reference_in_ndjson(resources: list[dict], tmp_path: Path) -> None:  # type: ignore[type-arg]
    write_ndjson([r for r in resources if r["resourceType"] != "Medication"], tmp_path / "nd")
    with pytest.raises(
        MappingError, match=r"reference 'Medication/[0-9a-f-]+' points at no resource"
    ):
        read_fhir(tmp_path / "nd")


def test_not_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps({"resourceType": "Patient", "id": "x"}))
    with pytest.raises(MappingError, match="not a FHIR Bundle"):
        read_fhir(tmp_path / "p.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(MappingError, match=r"bad\.json: line 1, column 2: invalid JSON"):
        read_fhir(tmp_path / "bad.json")


def test_bad_ndjson_line_is_located(tmp_path: Path) -> None:
    (tmp_path / "nd").mkdir()
    (tmp_path / "nd/Patient.ndjson").write_text('{"resourceType": "Patient", "id": "a"}\n[1]\n')
    with pytest.raises(MappingError, match=r"Patient.ndjson: line 2: not a FHIR resource"):
        read_fhir(tmp_path / "nd")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MappingError, match=r"no \.ndjson files"):
        read_fhir(tmp_path / "empty")


def test_bundle_entry_without_resource(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(
        json.dumps({"resourceType": "Bundle", "entry": [{"fullUrl": "x"}]})
    )
    with pytest.raises(MappingError, match=r"Bundle.entry\[0\]: no resource"):
        read_fhir(tmp_path / "b.json")


def test_no_patient_or_two(resources: list[dict]) -> None:  # type: ignore[type-arg]
    with pytest.raises(MappingError, match="0 Patient resources"):
        resources_to_diary(resources[1:])
    twin = {**resources[0], "id": "other"}
    with pytest.raises(MappingError, match="2 Patient resources"):
        resources_to_diary([*resources, twin])


def test_wrong_shape_is_a_mapping_error_not_a_crash(resources: list[dict]) -> None:  # type: ignore[type-arg]
    broken = [dict(r) for r in resources]
    for r in broken:
        if r["resourceType"] == "Condition":
            del r["clinicalStatus"]
    with pytest.raises(MappingError, match="not fhirmig's FHIR shape"):
        resources_to_diary(broken)


def test_invalid_diary_from_fhir_lists_problems(resources: list[dict]) -> None:  # type: ignore[type-arg]
    broken = [dict(r) for r in resources]
    for r in broken:
        if r.get("identifier", [{}])[0].get("system", "").endswith("/attack"):
            r["component"] = [
                {**c, "valueInteger": 11} if c["code"]["coding"][0]["code"] == "72514-3" else c
                for c in r["component"]
            ]
    with pytest.raises(MappingError, match=r"attacks\[0\].intensity"):
        resources_to_diary(broken)


def test_bundle_round_trip_through_a_file(resources: list[dict], tmp_path: Path) -> None:  # type: ignore[type-arg]
    (tmp_path / "c.json").write_text(json.dumps(collection_bundle(resources)))
    back = read_fhir(tmp_path / "c.json")
    assert back == resources  # urn:uuid references are Type/id again

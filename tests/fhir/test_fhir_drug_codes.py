"""A classified drug without codes in the diary gets the drug table's ATC coding in FHIR."""

from __future__ import annotations

import json

from fhirmig.diary import parse_diary_json
from fhirmig.fhir import diary_to_resources, resources_to_diary
from fhirmig.fhir.gate import check_resource

ATC = "http://www.whocc.no/atc"


def _diary(meds: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-drugs", "timezone": "UTC"},
        "medications": meds,
        "attacks": [
            {"id": "a1", "start": "2026-10-03T08:00:00Z", "intensity": 6,
             "medications": [{"medication": m["id"]} for m in meds]}
        ],
    }  # fmt: skip
    return parse_diary_json(json.dumps(data).encode(), "d.json")


def _codes(diary) -> dict[str, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    out = {}
    for r in diary_to_resources(diary):
        if r["resourceType"] == "Medication":
            check_resource(r)
            out[r["code"]["text"]] = r["code"].get("coding", [])
    return out


def test_table_code_only_when_the_class_agrees_and_marked_as_derived() -> None:
    diary = _diary(
        [
            {"id": "s", "name": "Imigran 50 mg", "class": "triptan"},
            {"id": "o", "name": "Ibuprofen 400", "class": "other"},
            {"id": "g", "name": "Sumatriptan", "class": "triptan", "atc": "N02CC01"},
        ]
    )
    codes = _codes(diary)
    [derived] = codes["Imigran 50 mg"]
    assert (derived["system"], derived["code"]) == (ATC, "N02CC01")
    assert derived["extension"]  # marked as the drug table's, not the diary's
    assert codes["Ibuprofen 400"] == []  # the diary says other: no code invented
    assert codes["Sumatriptan"] == [{"system": ATC, "code": "N02CC01"}]


def test_reading_the_fhir_back_gives_the_diary_unchanged() -> None:
    diary = _diary([{"id": "s", "name": "Imigran 50 mg", "class": "triptan"}])
    back = resources_to_diary(diary_to_resources(diary))
    assert back.medications[0].atc is None
    assert back.medications == diary.medications

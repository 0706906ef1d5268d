"""patient.country travels as Patient.address.country and comes back unchanged."""

from __future__ import annotations

import json
from typing import Any

from fhirmig.diary import Diary, parse_diary_json
from fhirmig.fhir import diary_to_resources, resources_to_diary
from fhirmig.fhir.gate import check_resource


def _diary(**patient: Any) -> Diary:
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-country", "timezone": "Europe/Lisbon", **patient},
        "attacks": [{"id": "a1", "start": "2026-10-03T08:00:00Z", "intensity": 6}],
    }
    return parse_diary_json(json.dumps(data).encode(), "d.json")


def _patient(diary: Diary, profile: str = "r4") -> dict[str, Any]:
    resources = diary_to_resources(diary, profile=profile)
    (patient,) = [r for r in resources if r["resourceType"] == "Patient"]
    check_resource(patient)
    return patient


def test_country_is_the_patients_address_country() -> None:
    diary = _diary(country="BR")
    for profile in ("r4", "us-core"):
        assert _patient(diary, profile)["address"] == [{"country": "BR"}]
    back = resources_to_diary(diary_to_resources(diary))
    assert back.patient.country == "BR"
    assert back.patient == diary.patient


def test_no_country_writes_no_address_and_reads_back_none() -> None:
    diary = _diary()
    assert "address" not in _patient(diary)
    back = resources_to_diary(diary_to_resources(diary))
    assert back.patient.country is None
    assert back.patient.home_country == "PT"  # still the time zone's country

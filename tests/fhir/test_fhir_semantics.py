"""Each element means what the FHIR specification says it means (read element by element).

Every test here failed on the earlier output: the drug name in MedicationStatement.category,
a twitch severity as an integer, Provenance.recorded 1970 for an empty diary, the diary's
defaults written as the patient's, no effective[x] on a twitch without its own start, no
end for an attack with only a duration, daily factors as components of one local code,
no narrative.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import Diary, read_diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.fhir import diary_to_resources, resources_to_diary
from fhirmig.fhir.attack import severity_of
from fhirmig.fhir.context import NARRATIVE_LIMIT
from fhirmig.fhir.patient import recorded_instant

GOLDEN = Path(__file__).parent / "golden"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"


def _kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    system = f"https://fhirmig.org/fhir/sid/{kind}"
    return [r for r in resources if r.get("identifier", [{}])[0].get("system") == system]


def _codes(cc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in cc.get("coding", [])}


def _diary(**parts: Any) -> Diary:
    raw: dict[str, Any] = {"format": "fhirmig-diary/1", "patient": {"id": "p-1"}}
    raw.update(parts)
    return diary_from_raw(raw, "<test>")


@pytest.fixture
def small() -> Diary:
    return read_diary(GOLDEN / "small-diary.json")


def test_treatment_drug_is_in_medication_and_the_type_is_no_category(small: Diary) -> None:
    diary = _diary(
        treatments=[
            {"id": "t1", "type": "preventive-medication", "name": "Topiramate 50 mg"},
            {"id": "t2", "type": "supplement"},
        ]
    )
    named, unnamed = _kind(diary_to_resources(diary), "treatment")
    assert named["medicationCodeableConcept"] == {"text": "Topiramate 50 mg"}
    category = named["category"]["coding"][0]
    assert (category["system"], category["code"]) == (
        "http://terminology.hl7.org/CodeSystem/medication-statement-category",
        "patientspecified",
    )
    assert "text" not in named["category"]
    (kind,) = [e for e in named["extension"] if e["url"].endswith("/treatment-type")]
    assert kind["valueCodeableConcept"]["coding"][0]["code"] == (
        "treatment-type.preventive-medication"
    )
    # no drug named: said so, rather than passing the treatment type off as a drug
    drug = unnamed["medicationCodeableConcept"]
    assert drug["extension"][0]["url"].endswith("/data-absent-reason")
    # a catalogue drug: the reference, with the treatment's own name as its display
    (_, magnesium) = _kind(diary_to_resources(small), "treatment")
    assert magnesium["medicationReference"]["reference"].startswith("Medication/")
    assert resources_to_diary(diary_to_resources(diary)) == diary


@pytest.mark.parametrize(
    ("score", "severity", "snomed"),
    [(0, None, None), (1, "mild", "255604002"), (4, "mild", "255604002"),
     (5, "moderate", "6736007"), (6, "moderate", "6736007"), (7, "severe", "24484000"),
     (10, "severe", "24484000")],
)  # fmt: skip
def test_twitch_severity_is_coded_by_the_cut_offs(
    score: int, severity: str | None, snomed: str | None
) -> None:
    assert severity_of(score) == severity
    diary = _diary(
        attacks=[
            {"id": "a", "start": "2026-01-01T10:00:00Z", "intensity": 5,
             "twitching": [{"location": "left-eyelid", "intensity": score}]}
        ]
    )  # fmt: skip
    (twitch,) = _kind(diary_to_resources(diary), "twitch")
    by_code = {c["code"]["coding"][0]["code"]: c for c in twitch["component"]}
    assert by_code["observation.twitch-intensity"]["valueInteger"] == score
    if snomed is None:
        assert "64750-3" not in by_code
    else:
        value = by_code["64750-3"]["valueCodeableConcept"]
        assert (SNOMED, snomed) in _codes(value)
        assert "valueInteger" not in by_code["64750-3"]


def test_recorded_is_the_latest_moment_and_never_1970(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = _diary()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert recorded_instant(empty) == "2026-01-01T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert recorded_instant(empty, now=now) == "2026-03-04T05:06:07Z"
    assert not recorded_instant(empty).startswith("1970")
    # a diary that records moments: the latest of them, the same on every run
    diary = _diary(attacks=[{"id": "a", "start": "2026-01-01T10:00:00+02:00", "intensity": 5}])
    assert recorded_instant(diary) == "2026-01-01T08:00:00Z"
    assert diary_to_resources(diary) == diary_to_resources(diary)


def test_diary_defaults_are_not_written_as_the_patients_words() -> None:
    (patient,) = [r for r in diary_to_resources(_diary()) if r["resourceType"] == "Patient"]
    assert "communication" not in patient
    assert not any(e["url"].endswith("/timezone") for e in patient.get("extension", []))
    stated = _diary(patient={"id": "p-1", "timezone": "UTC", "language": "en"})
    (patient,) = [r for r in diary_to_resources(stated) if r["resourceType"] == "Patient"]
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en"
    assert any(e.get("valueCode") == "UTC" for e in patient["extension"])


def test_chronic_migraine_codes() -> None:
    diary = _diary(
        conditions=[
            {"id": "c1", "code": "chronic-migraine"},
            {"id": "c2", "code": "chronic-migraine-with-aura"},
        ]
    )
    without, with_aura = _kind(diary_to_resources(diary), "condition")
    assert ("http://hl7.org/fhir/sid/icd-10-cm", "G43.709") in _codes(without["code"])
    assert ("http://hl7.org/fhir/sid/icd-10", "G43.3") in _codes(without["code"])
    assert ("http://hl7.org/fhir/sid/icd-10", "G43.3") in _codes(with_aura["code"])
    assert not any(s.endswith("icd-10-cm") for s, _ in _codes(with_aura["code"]))


def test_every_symptom_and_twitch_has_an_effective_time() -> None:
    diary = _diary(
        attacks=[
            {"id": "a", "start": "2026-01-01T10:00:00Z", "end": "2026-01-01T14:00:00Z",
             "intensity": 5, "symptoms": ["nausea"],
             "twitching": [{"location": "neck"},
                           {"location": "face", "start": "2026-01-01T11:00:00Z"}]}
        ]
    )  # fmt: skip
    resources = diary_to_resources(diary)
    period = {"start": "2026-01-01T10:00:00+00:00", "end": "2026-01-01T14:00:00+00:00"}
    (symptom,) = _kind(resources, "symptom")
    assert symptom["effectivePeriod"] == period
    own_less, own = _kind(resources, "twitch")
    assert own_less["effectivePeriod"] == period  # the attack's period
    assert own["effectiveDateTime"] == "2026-01-01T11:00:00+00:00"
    assert resources_to_diary(resources) == diary


def test_attack_end_is_computed_from_its_duration(small: Diary) -> None:
    resources = diary_to_resources(small)
    tension = _kind(resources, "attack")[1]
    period = tension["effectivePeriod"]
    assert (period["start"], period["end"]) == (
        "2026-10-09T15:00:00+01:00",
        "2026-10-09T16:30:00+01:00",
    )
    assert period["extension"][0]["valueCode"] == "duration"  # computed, not recorded
    back = resources_to_diary(resources)
    assert back.attacks[1].end is None and back.attacks[1].duration_minutes == 90


def test_sleep_duration_is_its_own_loinc_observation(small: Diary) -> None:
    resources = diary_to_resources(small)
    (day,) = _kind(resources, "day")
    assert "component" not in day
    factors = _kind(resources, "day-factor")
    assert len(factors) == 7 and len(day["hasMember"]) == 7
    (sleep,) = [f for f in factors if (LOINC, "93832-4") in _codes(f["code"])]
    assert sleep["valueQuantity"]["value"] == 5.5 and sleep["effectiveDateTime"] == "2026-10-02"
    assert len({f["code"]["coding"][0]["code"] for f in factors}) == 7


def test_procedure_period_from_sessions_and_unknown_without_dates() -> None:
    diary = _diary(
        treatments=[
            {"id": "b", "type": "botulinum-toxin", "dates": ["2026-03-01", "2026-01-05"]},
            {"id": "p", "type": "physical-therapy"},
        ]
    )
    resources = diary_to_resources(diary)
    botox, physio = _kind(resources, "treatment")
    assert botox["status"] == "completed"
    assert botox["performedPeriod"]["start"] == "2026-01-05"
    assert botox["performedPeriod"]["end"] == "2026-03-01"
    assert physio["status"] == "unknown" and "performedPeriod" not in physio
    assert resources_to_diary(resources) == diary


def test_every_resource_has_a_short_escaped_narrative(examples: Path) -> None:
    diary = _diary(
        attacks=[
            {"id": "a", "start": "2026-01-01T10:00:00Z", "intensity": 5,
             "twitching": [{"location": "<b>eye</b> & lid", "description": "x" * 500}]}
        ]
    )  # fmt: skip
    resources = diary_to_resources(diary) + diary_to_resources(
        read_diary(examples / "chronic-overuse.json"), profile="us-core"
    )
    for res in resources:
        div = res["text"]["div"]
        assert res["text"]["status"] == "generated"
        assert div.startswith('<div xmlns="http://www.w3.org/1999/xhtml">') and div.endswith(
            "</div>"
        )
        assert "<" not in div[42:-6] and len(div) < 6 * NARRATIVE_LIMIT, res["resourceType"]
    twitch = _kind(resources, "twitch")[0]
    assert "&lt;b&gt;eye&lt;/b&gt; &amp; lid" in twitch["text"]["div"]

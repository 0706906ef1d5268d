"""``profile="us-core"``: every resource meets the US Core 6.1.0 rules that apply to it.

Asserted resource by resource from the US Core 6.1.0 StructureDefinitions (differentials):
the profile claimed, the mandatory elements (1..*), the fixed and pattern slices, and the
invariants us-core-1/2/3 (screening assessment), us-core-6 (Patient.name), us-core-7
(Procedure.performed), us-core-21 (MedicationRequest.requester) and provenance-1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import Diary, read_diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.fhir import check_resource, diary_to_resources, resources_to_diary
from fhirmig.fhir.profiles import DATA_ABSENT_REASON, US_CORE_BASE, us_core_profile

EXAMPLES = ("episodic-twitching.json", "chronic-overuse.json", "spreadsheet.csv")
GOLDEN = Path(__file__).parent / "golden"
#: resource type -> profile id; a type missing here has no US Core profile
CLAIMS = {
    "Patient": "us-core-patient",
    "Condition": "us-core-condition-problems-health-concerns",
    "Medication": "us-core-medication",
    "MedicationRequest": "us-core-medicationrequest",
    "Procedure": "us-core-procedure",
    "Provenance": "us-core-provenance",
}
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ORDER_INTENTS = {"order", "original-order", "reflex-order", "filler-order", "instance-order"}


def _kind(res: dict[str, Any]) -> str:
    return str(res.get("identifier", [{}])[0].get("system", "")).rsplit("/", 1)[-1]


def _has_dar(element: Any) -> bool:
    return any(e.get("url") == DATA_ABSENT_REASON for e in (element or {}).get("extension", []))


def _patient_ref(ref: Any, patient_id: str) -> bool:
    return isinstance(ref, dict) and ref.get("reference") == f"Patient/{patient_id}"


def check_us_core(res: dict[str, Any], patient_id: str) -> None:
    """Assert the US Core 6.1.0 rules for one resource of fhirmig's shapes."""
    rtype = res["resourceType"]
    claimed = res.get("meta", {}).get("profile", [])
    if rtype == "Observation":
        expected = (
            "us-core-observation-screening-assessment"
            if _kind(res) == "questionnaire"
            else "us-core-simple-observation"
        )
    else:
        expected = CLAIMS.get(rtype, "")
    assert claimed == ([US_CORE_BASE + expected] if expected else []), (rtype, claimed)
    if rtype == "Patient":
        assert res["identifier"] and all(i["system"] and i["value"] for i in res["identifier"])
        assert res["name"], "Patient.name 1..*"
        for name in res["name"]:  # us-core-6
            assert bool("family" in name or "given" in name) != _has_dar(name)
        assert res["gender"] in {"male", "female", "other", "unknown"}
    elif rtype == "Condition":
        us_core = [
            c
            for cat in res["category"]
            for c in cat.get("coding", [])
            if c["system"] == "http://terminology.hl7.org/CodeSystem/condition-category"
            and c["code"] in {"problem-list-item", "health-concern"}
        ]
        assert us_core, "Condition.category:us-core 1..*"
        assert res["code"] and _patient_ref(res["subject"], patient_id)
    elif rtype == "Observation":
        assert res["status"] and res["code"] and res["category"]
        assert _patient_ref(res["subject"], patient_id)
        if expected == "us-core-observation-screening-assessment":
            survey = [
                cat
                for cat in res["category"]
                if any(c["system"] == OBS_CATEGORY and c["code"] == "survey" for c in cat["coding"])
            ]
            assert len(survey) == 1, "category:survey 1..1"
            effective = res.get("effectiveDateTime")
            assert effective is None or len(effective) >= 10  # us-core-1
            has_value = any(k.startswith("value") for k in res) or "dataAbsentReason" in res
            assert res.get("component") or res.get("hasMember") or has_value  # us-core-2
            quantity = res.get("valueQuantity")
            assert quantity is None or quantity.get("system") == "http://unitsofmeasure.org"
    elif rtype == "Procedure":
        assert res["code"] and res["status"] and _patient_ref(res["subject"], patient_id)
        if res["status"] in {"completed", "in-progress"}:  # us-core-7
            assert any(k.startswith("performed") for k in res)
    elif rtype == "Medication":
        assert res["code"], "Medication.code 1..1"
    elif rtype == "MedicationRequest":
        assert res["status"] and res["intent"] and _patient_ref(res["subject"], patient_id)
        assert "medicationReference" in res or "medicationCodeableConcept" in res
        assert "reportedReference" in res or "reportedBoolean" in res
        if res["intent"] in ORDER_INTENTS:  # us-core-21
            assert "requester" in res
    elif rtype == "Provenance":
        assert res["target"] and res["recorded"] and res["agent"]
        authors = [
            a
            for a in res["agent"]
            if any(c["code"] == "author" for c in a.get("type", {}).get("coding", []))
        ]
        assert authors, "agent:ProvenanceAuthor"
        for agent in res["agent"]:  # provenance-1
            who = agent["who"]["reference"]
            if who.startswith(("Device/", "Practitioner/")):
                assert "onBehalfOf" in agent
    elif rtype == "Device":
        raise AssertionError("no Device under US Core: its Provenance agent needs an organisation")


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_meet_us_core(examples: Path, name: str) -> None:
    diary = read_diary(examples / name)
    resources = diary_to_resources(diary, profile="us-core")
    patient_id = resources[0]["id"]
    types = {r["resourceType"] for r in resources}
    assert {"Patient", "Observation", "Provenance"} <= types
    for res in resources:
        check_resource(res)
        check_us_core(res, patient_id)


def test_plain_r4_claims_no_profile(examples: Path) -> None:
    for res in diary_to_resources(read_diary(examples / "chronic-overuse.json")):
        assert "profile" not in res.get("meta", {})


def _minimal(**patient: Any) -> Diary:
    raw = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-1", **patient},
        "medications": [{"id": "topi", "name": "Topiramate 25 mg", "class": "preventive"}],
        "attacks": [{"id": "a", "start": "2026-01-01T10:00:00Z", "intensity": 6}],
        "treatments": [
            {"id": "t1", "type": "preventive-medication", "medication": "topi",
             "start": "2026-01-01", "end": "2026-02-01"},
            {"id": "t2", "type": "supplement", "name": "Magnesium"},
            {"id": "t3", "type": "physical-therapy"},
            {"id": "t4", "type": "acupuncture", "dates": ["2026-01-03"]},
        ],
        "questionnaires": [{"instrument": "HIT-6", "date": "2026-01-02", "score": 61}],
    }  # fmt: skip
    return diary_from_raw(raw, "<test>")


def test_patient_without_sex_or_name_meets_us_core() -> None:
    diary = _minimal()
    resources = diary_to_resources(diary, profile="us-core")
    patient = resources[0]
    assert patient["gender"] == "unknown" and _has_dar(patient["_gender"])
    assert patient["name"] == [{"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "unknown"}]}]
    for res in resources:
        check_resource(res)
        check_us_core(res, patient["id"])
    # the absent values are not read back as the patient's
    back = resources_to_diary(resources)
    assert back.patient.sex is None and back.patient.name is None
    assert back == diary
    # plain R4 says nothing it was not told
    plain = diary_to_resources(diary)[0]
    assert "gender" not in plain and "name" not in plain


def test_preventives_are_patient_reported_medication_requests() -> None:
    diary = _minimal(sex="female", name={"family": "Doe"})
    resources = diary_to_resources(diary, profile="us-core")
    requests = [r for r in resources if r["resourceType"] == "MedicationRequest"]
    assert [r["status"] for r in requests] == ["completed", "active"]
    first = requests[0]
    assert first["intent"] == "plan"
    assert first["reportedReference"] == {"reference": f"Patient/{resources[0]['id']}"}
    assert first["medicationReference"]["reference"].startswith("Medication/")
    assert first["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"] == {
        "start": "2026-01-01",
        "end": "2026-02-01",
    }
    assert not [r for r in resources if _kind(r) == "treatment" and r["resourceType"] == (
        "MedicationStatement")]  # fmt: skip
    assert us_core_profile("MedicationStatement") is None
    assert resources_to_diary(resources) == diary


def test_procedures_meet_us_core_7() -> None:
    resources = diary_to_resources(_minimal(), profile="us-core")
    procedures = {
        r["identifier"][0]["value"]: r for r in resources if r["resourceType"] == "Procedure"
    }
    physio, acupuncture = procedures["p-1/t3"], procedures["p-1/t4"]
    assert physio["status"] == "unknown" and "performedPeriod" not in physio
    assert acupuncture["status"] == "completed"
    assert acupuncture["performedPeriod"]["start"] == "2026-01-03"


def test_provenance_names_only_the_patient_under_us_core() -> None:
    resources = diary_to_resources(read_diary(GOLDEN / "small-diary.json"), profile="us-core")
    prov = resources[-1]
    assert [a["who"]["reference"] for a in prov["agent"]] == [f"Patient/{resources[0]['id']}"]
    assert not [r for r in resources if r["resourceType"] == "Device"]
    assert len(prov["target"]) == len(resources) - 1

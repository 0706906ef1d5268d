"""The mapping of each diary part to FHIR: codes, values, links and determinism."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import Diary, read_diary
from fhirmig.fhir import diary_to_resources
from fhirmig.fhir.ids import identifier, resource_id
from fhirmig.fhir.patient import recorded_instant

GOLDEN = Path(__file__).parent / "golden"
LOINC = "http://loinc.org"


@pytest.fixture
def small() -> Diary:
    return read_diary(GOLDEN / "small-diary.json")


def _by_kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    system = f"https://fhirmig.org/fhir/sid/{kind}"
    return [r for r in resources if r.get("identifier", [{}])[0].get("system") == system]


def _codes(cc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in cc.get("coding", [])}


def _component(obs: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [c for c in obs.get("component", []) if c["code"]["coding"][0]["code"] == code]


def test_attack_observation_follows_the_symptoms_ig(small: Diary) -> None:
    resources = diary_to_resources(small)
    attack = _by_kind(resources, "attack")[0]
    assert attack["id"] == resource_id("golden-1", "attack", "a-1")
    assert (LOINC, "75325-1") in _codes(attack["code"])
    assert ("http://snomed.info/sct", "37796009") in _codes(attack["valueCodeableConcept"])
    assert attack["effectivePeriod"] == {
        "start": "2026-10-03T07:40:00+01:00",
        "end": "2026-10-03T19:10:00+01:00",
    }
    assert _component(attack, "72514-3")[0]["valueInteger"] == 7
    triggers = [c["valueCodeableConcept"] for c in _component(attack, "100752-5")]
    assert triggers[0]["coding"][1]["code"] == "73595000"  # stress
    assert triggers[2] == {"text": "long drive"}  # free text: no code
    relief = _component(attack, "100753-3")
    assert relief[0]["extension"][0]["valueCode"] == "some"
    assert relief[1]["valueCodeableConcept"] == {"text": "cold shower"}
    assert "extension" not in relief[1]
    assert attack["note"] == [{"text": "Woke up with it."}]
    assert attack["extension"][0]["valueString"] == '{"app":"paper","page":3}'
    assert (
        attack["subject"]
        == attack["performer"][0]
        == {"reference": f"Patient/{resources[0]['id']}"}
    )


def test_symptoms_and_twitching_are_members_of_the_attack(small: Diary) -> None:
    resources = diary_to_resources(small)
    attack = _by_kind(resources, "attack")[0]
    members = [m["reference"] for m in attack["hasMember"]]
    symptoms, twitches = _by_kind(resources, "symptom"), _by_kind(resources, "twitch")
    assert members == [f"Observation/{r['id']}" for r in symptoms + twitches]
    assert len(symptoms) == 3 and len(twitches) == 1
    twitch = twitches[0]
    assert ("http://snomed.info/sct", "82470000") in _codes(twitch["valueCodeableConcept"])
    assert twitch["bodySite"]["coding"][0]["code"] == "body-site.left-eyelid"
    assert twitch["note"] == [{"text": "small repetitive pulses"}]
    # intensity 3 of 10 is coded "mild" (1-4) as the Symptoms IG codes a severity
    severity = _component(twitch, "64750-3")[0]["valueCodeableConcept"]
    assert ("http://snomed.info/sct", "255604002") in _codes(severity)
    assert _component(twitch, "observation.twitch-intensity")[0]["valueInteger"] == 3
    assert _component(twitch, "64748-7")[0]["valueQuantity"]["value"] == 20
    assert twitch["effectiveDateTime"] == "2026-10-03T08:10:00+01:00"


def test_intake_is_a_medication_statement_for_the_attack(small: Diary) -> None:
    resources = diary_to_resources(small)
    (intake,) = _by_kind(resources, "intake")
    attack = _by_kind(resources, "attack")[0]
    med = _by_kind(resources, "medication")[0]
    assert intake["resourceType"] == "MedicationStatement"
    assert intake["reasonReference"] == [{"reference": f"Observation/{attack['id']}"}]
    assert intake["medicationReference"] == {"reference": f"Medication/{med['id']}"}
    assert intake["dosage"] == [{"text": "50 mg"}]
    assert intake["extension"][0]["valueCode"] == "good"
    assert ("http://www.nlm.nih.gov/research/umls/rxnorm", "313177") in _codes(med["code"])
    assert ("http://www.whocc.no/atc", "N02CC01") in _codes(med["code"])


def test_condition_patient_days_treatments_questionnaires(small: Diary) -> None:
    resources = diary_to_resources(small)
    patient = resources[0]
    assert patient["identifier"][0] == {
        "system": "https://fhirmig.org/fhir/sid/patient",
        "value": "golden-1",
    }
    assert patient["name"] == [{"family": "Παπαδοπούλου", "given": ["Eleni"]}]
    dx1, dx2 = _by_kind(resources, "condition")
    assert ("http://hl7.org/fhir/sid/icd-10", "G43.0") in _codes(dx1["code"])
    assert ("http://hl7.org/fhir/sid/icd-10-cm", "G43.009") in _codes(dx1["code"])
    assert "asserter" not in dx1  # confirmed: not only the patient's word
    assert dx2["asserter"] == {"reference": f"Patient/{patient['id']}"}
    assert dx2["code"] == {"text": "Neck tension, self-described"}
    (day,) = _by_kind(resources, "day")
    assert day["effectiveDateTime"] == "2026-10-02"
    factors = _by_kind(resources, "day-factor")
    assert day["hasMember"] == [{"reference": f"Observation/{f['id']}"} for f in factors]
    (sleep,) = [f for f in factors if ("http://loinc.org", "93832-4") in _codes(f["code"])]
    assert sleep["valueQuantity"] == {
        "value": 5.5, "unit": "h", "system": "http://unitsofmeasure.org", "code": "h"
    }  # fmt: skip
    assert sleep["effectiveDateTime"] == "2026-10-02"
    botox, magnesium = _by_kind(resources, "treatment")
    assert botox["resourceType"] == "Procedure"
    assert [e["valueDate"] for e in botox["extension"]] == ["2026-07-01", "2026-09-30"]
    assert magnesium["resourceType"] == "MedicationStatement"
    assert magnesium["effectivePeriod"] == {"start": "2026-06-01"}
    midas, hit6 = _by_kind(resources, "questionnaire")
    assert midas["valueInteger"] == 23
    assert midas["category"][0]["coding"][0]["code"] == "survey"
    assert [c["valueInteger"] for c in hit6["component"]] == [6, 13, 11, 10, 11, 11]


def test_provenance_names_patient_and_fhirmig(small: Diary) -> None:
    resources = diary_to_resources(small)
    prov = resources[-1]
    device = next(r for r in resources if r["resourceType"] == "Device")
    assert prov["resourceType"] == "Provenance"
    assert device["version"] == [{"value": __import__("fhirmig").__version__}]
    assert [a["type"]["coding"][0]["code"] for a in prov["agent"]] == ["author", "assembler"]
    assert prov["agent"][1]["who"] == {"reference": f"Device/{device['id']}"}
    assert len(prov["target"]) == len(resources) - 2  # all but the Device and itself
    # the latest moment of the data: attack a-2, 15:00+01:00 plus 90 minutes, in UTC
    assert prov["recorded"] == "2026-10-09T15:30:00Z"
    assert recorded_instant(small) == prov["recorded"]


def test_same_diary_same_resources_and_ids_depend_on_patient(small: Diary) -> None:
    first, second = diary_to_resources(small), diary_to_resources(small)
    assert first == second
    other = small.model_copy(update={"patient": small.patient.model_copy(update={"id": "p2"})})
    ids_a = {r["id"] for r in first if r["resourceType"] != "Device"}
    ids_b = {r["id"] for r in diary_to_resources(other) if r["resourceType"] != "Device"}
    assert not ids_a & ids_b


def test_identifier_values_are_unambiguous() -> None:
    assert identifier("a/b", "attack", "c")["value"] == "a%2Fb/c"
    assert identifier("a", "attack", "b/c")["value"] == "a/b%2Fc"


def test_deidentified_diary_labels_every_resource(small: Diary) -> None:
    pseudo = small.model_copy(update={"deidentified": True})
    for res in diary_to_resources(pseudo):
        assert res["meta"]["security"][0]["code"] == "PSEUDED", res["resourceType"]
    assert all("meta" not in r for r in diary_to_resources(small))


def test_custom_patient_identifier_system(small: Diary) -> None:
    res = diary_to_resources(small, identifier_system="urn:oid:9.9")[0]
    assert res["identifier"][0] == {"system": "urn:oid:9.9", "value": "golden-1"}


def test_foreign_whitespace_and_empty_notes_stay_valid(small: Diary) -> None:
    attack = small.attacks[0].model_copy(update={"notes": "", "triggers": ["a\u00a0b"]})
    diary = small.model_copy(update={"attacks": [attack]})
    obs = _by_kind(diary_to_resources(diary), "attack")[0]
    assert "note" not in obs
    assert _component(obs, "100752-5")[0]["valueCodeableConcept"] == {"text": "a b"}


def test_large_diary_gets_one_provenance_per_thousand_resources(examples: Path) -> None:
    from fhirmig.fhir.mapping import PROVENANCE_TARGETS

    diary = read_diary(examples / "chronic-overuse.json")
    attacks = [a.model_copy(update={"id": f"{a.id}-{k}"}) for k in range(4) for a in diary.attacks]
    big = diary.model_copy(update={"attacks": attacks})
    resources = diary_to_resources(big)
    provs = [r for r in resources if r["resourceType"] == "Provenance"]
    others = [r for r in resources if r["resourceType"] not in {"Provenance", "Device"}]
    assert len(others) > PROVENANCE_TARGETS
    assert len(provs) == -(-len(others) // PROVENANCE_TARGETS)
    assert all(len(p["target"]) <= PROVENANCE_TARGETS for p in provs)
    named = [t["reference"] for p in provs for t in p["target"]]
    assert named == [f"{r['resourceType']}/{r['id']}" for r in others]
    assert len({p["id"] for p in provs}) == len(provs)
    # each Provenance comes right after the resources it names
    first = resources.index(provs[0])
    assert resources[first - 1]["id"] == named[PROVENANCE_TARGETS - 1].split("/")[1]


def test_control_characters_become_replacement_characters(small: Diary) -> None:
    from fhirmig.fhir.gate import problems

    attack = small.attacks[0].model_copy(update={"notes": "a\x18b\tc"})
    obs = _by_kind(diary_to_resources(small.model_copy(update={"attacks": [attack]})), "attack")[0]
    assert obs["note"] == [{"text": "a\ufffdb\tc"}]
    assert problems({**obs, "note": [{"text": "a\x18b"}]})  # the gate refuses them
    blank = small.attacks[0].model_copy(update={"notes": "  ", "triggers": ["  "]})
    obs = _by_kind(diary_to_resources(small.model_copy(update={"attacks": [blank]})), "attack")[0]
    assert "note" not in obs
    assert _component(obs, "100752-5")[0]["valueCodeableConcept"] == {"text": "\ufffd"}
    assert problems({**obs, "note": [{"text": "  "}]})


def test_deidentified_birth_date_is_only_the_year(small: Diary) -> None:
    from fhirmig.fhir import resources_to_diary

    patient = small.patient.model_copy(update={"birth_date": date(1988, 1, 1)})
    pseudo = small.model_copy(update={"deidentified": True, "patient": patient})
    resources = diary_to_resources(pseudo)
    (res,) = [r for r in resources if r["resourceType"] == "Patient"]
    assert res["birthDate"] == "1988"
    assert resources_to_diary(resources).patient.birth_date == date(1988, 1, 1)


def test_catalogue_without_codes_gets_the_drug_tables_marked() -> None:
    from fhirmig.diary.reader import diary_from_raw
    from fhirmig.fhir import resources_to_diary

    raw = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p"},
        "medications": [
            {"id": "s", "name": "Sumatriptan 50 mg", "class": "triptan"},
            {"id": "o", "name": "Sumatriptan 50 mg", "class": "other"},
        ],
    }
    diary = diary_from_raw(raw, "<t>")
    resources = diary_to_resources(diary)
    table, declared_other = [r for r in resources if r["resourceType"] == "Medication"]
    (atc,) = table["code"]["coding"]
    assert (atc["system"], atc["code"]) == ("http://www.whocc.no/atc", "N02CC01")
    assert atc["extension"][0]["valueCode"] == "drug-table"
    assert "coding" not in declared_other["code"]  # no code invented against the diary's class
    assert resources_to_diary(resources) == diary  # the diary itself is given back unchanged

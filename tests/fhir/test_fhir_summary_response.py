"""Summary Observations of diary completeness and treatment response: the figures of
fhirmig.analysis, deterministic ids, focus on the treatment, absent values with reasons."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhirmig.analysis import compute_stats
from fhirmig.diary import Diary, parse_diary_json
from fhirmig.fhir import diary_to_resources
from fhirmig.fhir.gate import check_resource
from fhirmig.fhir.summary import summary_resources

LOCAL = "https://fhirmig.org/fhir/CodeSystem/fhirmig"


def _diary(last: date = date(2026, 5, 23)) -> Diary:
    days = []
    day = date(2026, 2, 1)
    while day <= last:
        days.append({"date": day.isoformat(), **({"headacheFree": True} if day.day == 20 else {})})
        day += timedelta(days=1)
    attacks = [
        {"id": f"a{n}", "start": f"2026-02-{n + 1:02d}T10:00", "intensity": 6} for n in range(8)
    ]
    attacks.append({"id": "b", "start": "2026-04-27T10:00", "intensity": 5})
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-resp", "timezone": "Europe/Lisbon"},
        "medications": [{"id": "ere", "name": "Erenumab 70 mg", "class": "preventive"}],
        "attacks": attacks,
        "days": days,
        "treatments": [
            {"id": "ere-tx", "type": "preventive-medication", "medication": "ere",
             "start": "2026-03-01"},
            {"id": "botox", "type": "botulinum-toxin", "dates": ["2026-05-24", "2026-03-01"]},
            {"id": "late", "type": "preventive-medication", "start": "2026-04-01"},
            {"id": "mag", "type": "supplement", "start": "2026-03-01"},
        ],
    }  # fmt: skip
    import orjson

    return parse_diary_json(orjson.dumps(data), "resp.json")


def _by_record(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Resources by record id (the part of the business identifier after the patient id)."""
    out = {}
    for r in resources:
        value = r.get("identifier", [{}])[0].get("value", "")
        if "/" in value:
            out[value.split("/", 1)[1]] = r
    return out


def _components(obs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for c in obs["component"]:
        key = c["code"]["coding"][0]["code"].removeprefix("observation.")
        value = next((v for k, v in c.items() if k.startswith("value")), None)
        out[key] = value["value"] if isinstance(value, dict) else value
        if "dataAbsentReason" in c:
            out[key] = "absent: " + c["dataAbsentReason"]["coding"][0]["code"]
    return out


def test_completeness_observation_holds_the_coverage() -> None:
    diary = _diary()
    stats = compute_stats(diary)
    by = _by_record(summary_resources(diary, stats))
    obs = by["diary-completeness@diary"]
    assert obs["code"]["coding"][0] == {
        "system": LOCAL,
        "code": "observation.diary-completeness",
        "display": "Diary completeness in period",
    }
    assert obs["valueQuantity"] == {
        "value": 112,
        "unit": "days",
        "system": "http://unitsofmeasure.org",
        "code": "d",
    }
    assert _components(obs) == {"period-days": 112, "recorded-share": 1.0, "headache-free-days": 4}
    assert obs["effectivePeriod"] == {"start": "2026-02-01", "end": "2026-05-23"}
    assert stats.coverage.recorded_days == 112 and stats.headache_free_days == 4


def test_one_treatment_response_per_treatment_with_focus() -> None:
    diary = _diary()
    resources = diary_to_resources(diary, provenance=False)
    by = _by_record(resources)
    responses = [k for k in by if k.startswith("treatment-response:")]
    # the supplement gets none; the order is that of the treatments
    assert responses == [
        "treatment-response:ere-tx@diary",
        "treatment-response:botox@diary",
        "treatment-response:late@diary",
    ]
    ere = by["treatment-response:ere-tx@diary"]
    # baseline: 8 migraine days (1-8 Feb); weeks 9-12: 1 (27 Apr): 100 * 7 / 8 = 87.5 %
    assert ere["valueQuantity"] == {
        "value": 87.5,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert _components(ere) == {
        "baseline-migraine-days": 8,
        "assessment-migraine-days": 1,
        "baseline-recorded-days": 28,
        "assessment-recorded-days": 28,
        "responder-50": True,
        "responder-75": True,
        "responder-100": False,
    }
    assert ere["effectivePeriod"] == {"start": "2026-02-01", "end": "2026-05-23"}
    statement = by["ere-tx"]
    assert statement["resourceType"] == "MedicationStatement"
    assert ere["focus"] == [{"reference": f"MedicationStatement/{statement['id']}"}]
    # botulinum toxin known by its sessions only: a Procedure, started at the earliest date
    botox = by["treatment-response:botox@diary"]
    assert botox["focus"] == [{"reference": f"Procedure/{by['botox']['id']}"}]
    assert botox["valueQuantity"]["value"] == 87.5


def test_an_unassessable_response_says_why() -> None:
    by = _by_record(summary_resources(_diary()))
    late = by["treatment-response:late@diary"]
    assert "valueQuantity" not in late
    assert late["dataAbsentReason"] == {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                "code": "not-applicable",
                "display": "Not Applicable",
            }
        ],
        "text": "not assessable: assessment outside the period",
    }
    # baseline 4-31 March: no migraine day, 28 recorded; the assessment lies after the period
    assert _components(late) == {
        "baseline-migraine-days": 0,
        "assessment-migraine-days": "absent: not-applicable",
        "baseline-recorded-days": 28,
        "assessment-recorded-days": "absent: not-applicable",
    }


def test_ids_are_deterministic_and_every_resource_passes_the_gate() -> None:
    first = summary_resources(_diary())
    second = summary_resources(_diary())
    assert first == second
    assert len({r["id"] for r in first}) == len(first) == 4 + 1 + 3
    for res in first:
        check_resource(res)


def test_a_baseline_without_migraine_days_has_no_reduction() -> None:
    # recorded through June: the treatment started on 1 April is assessable, but its
    # baseline (4-31 March) has no migraine day, so there is no reduction to give
    by = _by_record(summary_resources(_diary(last=date(2026, 6, 30))))
    late = by["treatment-response:late@diary"]
    assert "valueQuantity" not in late
    assert late["dataAbsentReason"]["coding"][0]["code"] == "not-a-number"
    assert late["dataAbsentReason"]["text"] == "the baseline has no migraine day"
    assert _components(late) == {
        "baseline-migraine-days": 0,
        "assessment-migraine-days": 0,
        "baseline-recorded-days": 28,
        "assessment-recorded-days": 28,
    }


def test_too_few_recorded_days_is_the_reason_given() -> None:
    diary = _diary()
    stats = compute_stats(diary, start=date(2026, 3, 4), end=date(2026, 8, 30))
    by = _by_record(summary_resources(diary, stats))
    late = by["treatment-response:late@diary"]
    # the assessment (27 May - 23 June) now lies inside the period, but holds no entries
    assert (
        late["dataAbsentReason"]["text"]
        == "not assessable: too few recorded days in the assessment"
    )

"""Daily entries, treatments and questionnaire scores as FHIR.

- A day entry is one Observation (local code ``observation.daily-factors``, category
  social-history, effectiveDateTime the date) with one component per recorded factor.
- A preventive medication or supplement is a MedicationStatement; botulinum toxin,
  physical therapy, acupuncture and the other therapies are a Procedure. Session dates are
  ``session`` extensions, the treatment type (with the name as text) is the category or code.
- A MIDAS or HIT-6 result is an Observation of category survey with a local code (no LOINC
  code for either total could be verified), the item answers as components.
"""

from __future__ import annotations

from typing import Any

from fhirmig.diary.model import DayEntry, Questionnaire, Treatment
from fhirmig.fhir.context import Ctx, cc, ext, fhir_date, note, quantity, text
from fhirmig.fhir.terminology import concept

__all__ = [
    "DAY_FACTORS",
    "INSTRUMENT_KEYS",
    "day_resource",
    "questionnaire_record",
    "questionnaire_resource",
    "treatment_resource",
]

_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
#: diary field -> (local observation key, value kind, UCUM unit, UCUM code)
DAY_FACTORS: dict[str, tuple[str, str, str, str]] = {
    "sleep_hours": ("sleep-hours", "quantity", "h", "h"),
    "sleep_quality": ("sleep-quality", "integer", "", ""),
    "stress": ("stress", "integer", "", ""),
    "caffeine_mg": ("caffeine", "quantity", "mg", "mg"),
    "alcohol_units": ("alcohol", "quantity", "standard drink unit", "{drink}"),
    "exercise_minutes": ("exercise", "quantity", "min", "min"),
    "menstruation": ("menstruation", "boolean", "", ""),
    "headache_free": ("headache-free", "boolean", "", ""),
}
INSTRUMENT_KEYS: dict[str, str] = {"MIDAS": "midas-score", "HIT-6": "hit6-score"}
MEDICATION_TREATMENTS = frozenset({"preventive-medication", "supplement"})


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": _OBS_CATEGORY, "code": code, "display": display}]}]


def day_resource(ctx: Ctx, d: DayEntry) -> dict[str, Any]:
    """One day's factors as one Observation with a component per recorded factor."""
    day = fhir_date(d.date)
    obs = ctx.base("Observation", "day", day)
    obs["status"] = "final"
    obs["category"] = _category("social-history", "Social History")
    obs["code"] = cc("observation", "daily-factors")
    obs["subject"] = ctx.patient_ref
    obs["effectiveDateTime"] = day
    obs["performer"] = [ctx.patient_ref]
    comps = []
    for field, (key, kind, unit, ucum) in DAY_FACTORS.items():
        value = getattr(d, field)
        if value is None:
            continue
        comp: dict[str, Any] = {"code": cc("observation", key)}
        if kind == "quantity":
            comp["valueQuantity"] = quantity(value, unit, ucum)
        elif kind == "integer":
            comp["valueInteger"] = value
        else:
            comp["valueBoolean"] = value
        comps.append(comp)
    if comps:
        obs["component"] = comps
    if (notes := note(d.notes)) is not None:
        obs["note"] = notes
    return obs


def treatment_resource(ctx: Ctx, t: Treatment) -> dict[str, Any]:
    """A MedicationStatement (preventives, supplements) or a Procedure (every other type)."""
    kind_cc = dict(concept("treatment-type", t.type))
    display = kind_cc.pop("text")
    if t.name is not None:
        kind_cc["text"] = text(t.name)
    med_ref = ctx.ref("Medication", "medication", t.medication) if t.medication else None
    period: dict[str, Any] = {}
    if t.start is not None:
        period["start"] = fhir_date(t.start)
    if t.end is not None:
        period["end"] = fhir_date(t.end)
    if t.type in MEDICATION_TREATMENTS:
        res = ctx.base("MedicationStatement", "treatment", t.id)
        res["status"] = "completed" if t.end is not None else "active"
        res["category"] = kind_cc
        if med_ref is not None:
            res["medicationReference"] = med_ref
        else:
            res["medicationCodeableConcept"] = {"text": text(t.name) if t.name else display}
        res["subject"] = ctx.patient_ref
        if period:
            res["effectivePeriod"] = period
        res["informationSource"] = ctx.patient_ref
    else:
        res = ctx.base("Procedure", "treatment", t.id)
        res["status"] = "in-progress" if t.start is not None and t.end is None else "completed"
        res["code"] = kind_cc
        res["subject"] = ctx.patient_ref
        if period:
            res["performedPeriod"] = period
        res["recorder"] = ctx.patient_ref
        if med_ref is not None:
            res["usedReference"] = [med_ref]
    if t.dates:
        res["extension"] = [ext("session", valueDate=fhir_date(x)) for x in t.dates]
    if (notes := note(t.notes)) is not None:
        res["note"] = notes
    return res


def questionnaire_record(q: Questionnaire, index: int) -> str:
    """The record id of a questionnaire result (they carry no id in the diary)."""
    return f"{q.instrument}@{fhir_date(q.date)}#{index}"


def questionnaire_resource(ctx: Ctx, q: Questionnaire, index: int) -> dict[str, Any]:
    """A MIDAS or HIT-6 total as a survey Observation, item answers as components."""
    obs = ctx.base("Observation", "questionnaire", questionnaire_record(q, index))
    obs["status"] = "final"
    obs["category"] = _category("survey", "Survey")
    obs["code"] = {
        **cc("observation", INSTRUMENT_KEYS[q.instrument]),
        "text": f"{q.instrument} total score",
    }
    obs["subject"] = ctx.patient_ref
    obs["effectiveDateTime"] = fhir_date(q.date)
    obs["performer"] = [ctx.patient_ref]
    obs["valueInteger"] = q.score
    if q.items is not None:
        obs["component"] = [
            {
                "code": {**cc("observation", "questionnaire-item"), "text": f"item {n}"},
                "valueInteger": v,
            }
            for n, v in enumerate(q.items, start=1)
        ]
    return obs

"""Daily entries, treatments and questionnaire scores as FHIR.

- A day entry is a panel Observation (local code ``observation.daily-factors``, category
  social-history, effectiveDateTime the date) whose members are one Observation per
  recorded factor (sleep duration LOINC 93832-4, the others local codes).
- A preventive medication or supplement is a MedicationStatement (under US Core a
  patient-reported MedicationRequest); botulinum toxin, physical therapy, acupuncture and
  the other therapies are a Procedure. Session dates are ``session`` extensions.
- A MIDAS or HIT-6 result is an Observation of category survey with a local code (no LOINC
  code for either total could be verified), the item answers as components.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fhirmig.diary.model import DayEntry, Questionnaire, Treatment
from fhirmig.fhir.attack import MS_CATEGORY_PATIENT
from fhirmig.fhir.context import Ctx, cc, ext, fhir_date, narrative, note, plural, quantity, text
from fhirmig.fhir.gate import share
from fhirmig.fhir.profiles import data_absent
from fhirmig.fhir.terminology import concept

__all__ = [
    "DAY_FACTORS",
    "INSTRUMENT_KEYS",
    "day_resource",
    "day_resources",
    "questionnaire_record",
    "questionnaire_resource",
    "treatment_resource",
]

_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
#: diary field -> (observation key, value kind, UCUM unit, UCUM code, observation category)
DAY_FACTORS: dict[str, tuple[str, str, str, str, str]] = {
    "sleep_hours": ("sleep-hours", "quantity", "h", "h", "activity"),
    "sleep_quality": ("sleep-quality", "integer", "", "", "survey"),
    "stress": ("stress", "integer", "", "", "survey"),
    "caffeine_mg": ("caffeine", "quantity", "mg", "mg", "social-history"),
    "alcohol_units": ("alcohol", "quantity", "standard drink unit", "{drink}", "social-history"),
    "exercise_minutes": ("exercise", "quantity", "min", "min", "activity"),
    "menstruation": ("menstruation", "boolean", "", "", "social-history"),
    "headache_free": ("headache-free", "boolean", "", "", "survey"),
}
INSTRUMENT_KEYS: dict[str, str] = {"MIDAS": "midas-score", "HIT-6": "hit6-score"}
MEDICATION_TREATMENTS = frozenset({"preventive-medication", "supplement"})
_DISPLAY = {
    "social-history": "Social History",
    "survey": "Survey",
    "activity": "Activity",
}


@lru_cache(maxsize=8)
def _category_concept(code: str) -> dict[str, Any]:
    """One observation-category concept, shared and checked once by the gate."""
    coding = {"system": _OBS_CATEGORY, "code": code, "display": _DISPLAY[code]}
    return share({"coding": [coding]}, "CodeableConcept")


def _category(code: str) -> list[dict[str, Any]]:
    return [_category_concept(code)]


def _factor_value(kind: str, value: Any, unit: str, ucum: str) -> tuple[str, Any, str]:
    if kind == "quantity":
        q = quantity(value, unit, ucum)
        return "valueQuantity", q, f"{q['value']} {unit}"
    if kind == "integer":
        return "valueInteger", value, str(value)
    return "valueBoolean", value, "yes" if value else "no"


def day_resources(ctx: Ctx, d: DayEntry) -> list[dict[str, Any]]:
    """One day: a panel Observation (local ``observation.daily-factors``, the day's notes)
    whose ``hasMember`` lists one Observation per recorded factor, then those factors.

    Each factor carries its own code: LOINC where a verified code exists (sleep duration
    93832-4), else the local ``observation.<factor>`` (see docs/terminology.md).
    """
    day = fhir_date(d.date)
    members: list[dict[str, Any]] = []
    for field, (key, kind, unit, ucum, category) in DAY_FACTORS.items():
        value = getattr(d, field)
        if value is None:
            continue
        code = concept("observation", key)
        obs = ctx.observation("day-factor", f"{day}#{key}", _category(category), code)
        obs["effectiveDateTime"] = day
        element, fhir_value, said = _factor_value(kind, value, unit, ucum)
        obs[element] = fhir_value
        label = str(code["text"])
        obs["text"] = narrative(f"{label}: {said}", f"on {day}")
        members.append(obs)
    panel = ctx.observation(
        "day", day, _category("social-history"), cc("observation", "daily-factors")
    )
    panel["effectiveDateTime"] = day
    if members:
        panel["hasMember"] = [{"reference": f"Observation/{m['id']}"} for m in members]
    if (notes := note(d.notes)) is not None:
        panel["note"] = notes
    panel["text"] = narrative(
        f"Diary day {day}",
        plural(len(members), "factor") + " recorded" if members else None,
        f"note: {d.notes}" if d.notes and d.notes.strip() else None,
    )
    return [panel, *members]


def day_resource(ctx: Ctx, d: DayEntry) -> dict[str, Any]:
    """The panel Observation of one day (see :func:`day_resources`)."""
    return day_resources(ctx, d)[0]


def _period(t: Treatment) -> dict[str, Any]:
    period: dict[str, Any] = {}
    if t.start is not None:
        period["start"] = fhir_date(t.start)
    if t.end is not None:
        period["end"] = fhir_date(t.end)
    return period


def _medication(ctx: Ctx, t: Treatment, display: str, res: dict[str, Any]) -> None:
    if t.medication:
        ref = ctx.ref("Medication", "medication", t.medication)
        if t.name is not None:
            ref["display"] = text(t.name)
        res["medicationReference"] = ref
    else:
        drug: dict[str, Any] = {"text": text(t.name)} if t.name else {"text": display}
        if not t.name:  # the diary names no drug: say so rather than pass the type as one
            drug["extension"] = [data_absent("unknown")]
        res["medicationCodeableConcept"] = drug


def _medication_statement(ctx: Ctx, t: Treatment, display: str) -> dict[str, Any]:
    res = ctx.base("MedicationStatement", "treatment", t.id)
    res["status"] = "completed" if t.end is not None else "active"
    res["category"] = MS_CATEGORY_PATIENT
    _medication(ctx, t, display, res)
    res["subject"] = ctx.patient_ref
    if period := _period(t):
        res["effectivePeriod"] = period
    res["informationSource"] = ctx.patient_ref
    return res


def _medication_request(ctx: Ctx, t: Treatment, display: str) -> dict[str, Any]:
    """US Core's patient-reported medication: a MedicationRequest, intent ``plan``,
    ``reportedReference`` the patient, the period of use as the dosage's bounds."""
    res = ctx.base("MedicationRequest", "treatment", t.id)
    res["status"] = "completed" if t.end is not None else "active"
    res["intent"] = "plan"
    res["category"] = [_MR_COMMUNITY]
    res["reportedReference"] = ctx.patient_ref
    _medication(ctx, t, display, res)
    res["subject"] = ctx.patient_ref
    if period := _period(t):
        res["dosageInstruction"] = [{"timing": {"repeat": {"boundsPeriod": period}}}]
    return res


_MR_COMMUNITY: dict[str, Any] = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
            "code": "community",
            "display": "Community",
        }
    ]
}


def treatment_resource(ctx: Ctx, t: Treatment) -> dict[str, Any]:
    """A preventive or supplement as a MedicationStatement (under US Core a patient-reported
    MedicationRequest), every other type as a Procedure.

    The drug is in ``medication[x]`` (the catalogue entry, its name in the reference's
    ``display``, or the name as text); the treatment type is the extension
    ``treatment-type``, since MedicationStatement.category says where a drug is taken (here
    ``patientspecified``). A Procedure's ``code`` is the type with the name as text; its
    ``performedPeriod`` the start and end, else the first and last session (marked
    ``derived-from: sessions``); without any date its status is ``unknown``.
    """
    kind_cc = dict(concept("treatment-type", t.type))
    display = str(kind_cc.pop("text"))
    period = _period(t)
    if t.type in MEDICATION_TREATMENTS:
        build = _medication_request if ctx.us_core else _medication_statement
        res = build(ctx, t, display)
        exts = [ext("treatment-type", valueCodeableConcept=concept("treatment-type", t.type))]
    else:
        if t.name is not None:
            kind_cc["text"] = text(t.name)
        res = ctx.base("Procedure", "treatment", t.id)
        if not period and t.dates:
            period = {
                "start": fhir_date(min(t.dates)),
                "end": fhir_date(max(t.dates)),
                "extension": [ext("derived-from", valueCode="sessions")],
            }
        if not period:
            res["status"] = "unknown"
        elif t.start is not None and t.end is None:
            res["status"] = "in-progress"
        else:
            res["status"] = "completed"
        res["code"] = kind_cc
        res["subject"] = ctx.patient_ref
        if period:
            res["performedPeriod"] = period
        res["recorder"] = ctx.patient_ref
        if t.medication:
            res["usedReference"] = [ctx.ref("Medication", "medication", t.medication)]
        exts = []
    exts.extend(ext("session", valueDate=fhir_date(x)) for x in t.dates)
    if exts:
        res["extension"] = exts
    if (notes := note(t.notes)) is not None:
        res["note"] = notes
    res["text"] = narrative(
        f"Treatment: {display}",
        t.name,
        f"from {period['start']}" if "start" in period else None,
        f"to {period['end']}" if "end" in period else None,
        plural(len(t.dates), "session") if t.dates else None,
    )
    return res


def questionnaire_record(q: Questionnaire, index: int) -> str:
    """The record id of a questionnaire result (they carry no id in the diary)."""
    return f"{q.instrument}@{fhir_date(q.date)}#{index}"


def questionnaire_resource(ctx: Ctx, q: Questionnaire, index: int) -> dict[str, Any]:
    """A MIDAS or HIT-6 total as a survey Observation, item answers as components."""
    obs = ctx.base("Observation", "questionnaire", questionnaire_record(q, index))
    obs["status"] = "final"
    obs["category"] = _category("survey")
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
    obs["text"] = narrative(
        f"{q.instrument} total score: {q.score}", f"on {obs['effectiveDateTime']}"
    )
    return obs

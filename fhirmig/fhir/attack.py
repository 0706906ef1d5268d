"""An attack as FHIR, following the HL7 Symptoms IG pattern.

One Observation per attack (code LOINC 75325-1 "Symptom", value the attack kind,
effectivePeriod, pain severity 0-10 as a LOINC 72514-3 component, pain locations,
qualities, triggers as exacerbating factors, relief methods with their effect as alleviating
factors, aura, disability, duration), whose ``hasMember`` lists one Observation per
associated symptom and per muscle-twitching entry. Each medication intake is a
MedicationStatement whose ``reasonReference`` is the attack.

A twitch's 0-10 intensity is coded as the Symptoms IG codes a severity (component LOINC
64750-3 with a SNOMED CT severity) by the cut-offs of :data:`SEVERITY_CUTOFFS`, and the
number itself is kept in a component of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final

from fhirmig.diary.model import Attack, Twitch
from fhirmig.fhir.context import (
    SYMPTOM_CATEGORY,
    Ctx,
    cc,
    ext,
    fhir_datetime,
    narrative,
    note,
    plural,
    quantity,
    text,
)
from fhirmig.fhir.fields import ATTACK_COMPONENTS, Component
from fhirmig.fhir.gate import share
from fhirmig.fhir.terminology import concept

__all__ = [
    "MS_CATEGORY_PATIENT",
    "SEVERITY_CUTOFFS",
    "attack_period",
    "attack_resources",
    "severity_of",
]

#: 0-10 numeric rating -> severity: 1-4 mild, 5-6 moderate, 7-10 severe (0: none, no
#: severity). The cut-offs of Serlin et al., Pain 1995;61:277-284, confirmed for
#: self-rating adults by Palos et al., J Pain 2006;7(1):49-56.
SEVERITY_CUTOFFS: Final = ((1, 4, "mild"), (5, 6, "moderate"), (7, 10, "severe"))
#: MedicationStatement.category: use reported by the patient (R4 medication-statement-category).
#: Shared by every intake and checked once by the gate: never modify it.
MS_CATEGORY_PATIENT: Final = share(
    {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/medication-statement-category",
                "code": "patientspecified",
                "display": "Patient Specified",
            }
        ]
    },
    "CodeableConcept",
)


def severity_of(score: int) -> str | None:
    """The severity key of a 0-10 rating (:data:`SEVERITY_CUTOFFS`); None for 0."""
    for low, high, key in SEVERITY_CUTOFFS:
        if low <= score <= high:
            return key
    return None


def _component(code: dict[str, Any], **value: Any) -> dict[str, Any]:
    return {"code": code, **value}


def _duration(minutes: float) -> dict[str, Any]:
    return _component(cc("element", "duration"), valueQuantity=quantity(minutes, "min", "min"))


def _symptom_base(ctx: Ctx, kind: str, record: str) -> dict[str, Any]:
    obs = ctx.base("Observation", kind, record)
    obs["status"] = "final"
    obs["category"] = [SYMPTOM_CATEGORY]
    obs["code"] = cc("element", "symptom")
    obs["subject"] = ctx.patient_ref
    obs["performer"] = [ctx.patient_ref]
    return obs


def attack_period(a: Attack) -> dict[str, Any]:
    """The attack's ``effectivePeriod``: its start and its end, the end computed from the
    duration when the diary gives only that (marked by the ``derived-from`` extension)."""
    period: dict[str, Any] = {"start": fhir_datetime(a.start)}
    end = a.effective_end
    if end is not None:
        period["end"] = fhir_datetime(end)
        if a.end is None:
            period["extension"] = [ext("derived-from", valueCode="duration")]
    return period


def _value(spec: Component, item: Any) -> dict[str, Any]:
    """The ``value[x]`` (and extension) of one component of a field's value or list item."""
    if spec.value == "integer":
        return {"valueInteger": item}
    if spec.value == "boolean":
        return {"valueBoolean": item}
    if spec.value == "minutes":
        return {"valueQuantity": quantity(item, "min", "min")}
    if spec.value == "string":
        return {"valueString": text(item)}
    if spec.value == "relief":
        out: dict[str, Any] = {"valueCodeableConcept": concept(str(spec.vocabulary), item.method)}
        if item.effect is not None:
            out["extension"] = [ext("effect", valueCode=item.effect)]
        return out
    return {"valueCodeableConcept": concept(str(spec.vocabulary), item)}


def _attack_components(a: Attack) -> list[dict[str, Any]]:
    """The attack's components, field by field in :data:`ATTACK_COMPONENTS` order."""
    comps = []
    for spec in ATTACK_COMPONENTS:
        value = getattr(a, spec.field)
        if value is None:
            continue
        code = cc(*spec.code)
        for item in value if isinstance(value, list) else (value,):
            comps.append({"code": code, **_value(spec, item)})
    return comps


def _label(vocabulary: str, value: str) -> str:
    return str(concept(vocabulary, value).get("text", value))


def _twitch(ctx: Ctx, record: str, t: Twitch, period: dict[str, Any]) -> dict[str, Any]:
    obs = _symptom_base(ctx, "twitch", record)
    if t.start is not None:
        obs["effectiveDateTime"] = fhir_datetime(t.start)
    else:
        obs["effectivePeriod"] = period
    obs["valueCodeableConcept"] = concept("symptom", "muscle-twitching")
    obs["bodySite"] = concept("body-site", t.location)
    comps = []
    severity = None
    if t.intensity is not None:
        severity = severity_of(t.intensity)
        if severity is not None:
            comps.append(
                _component(
                    cc("element", "symptom-severity"),
                    valueCodeableConcept=concept("severity", severity),
                )
            )
        comps.append(_component(cc("observation", "twitch-intensity"), valueInteger=t.intensity))
    if t.duration_minutes is not None:
        comps.append(_duration(t.duration_minutes))
    if comps:
        obs["component"] = comps
    if (described := note(t.description)) is not None:
        obs["note"] = described
    obs["text"] = narrative(
        f"Muscle twitching: {_label('body-site', t.location)}",
        f"intensity {t.intensity}/10 ({severity or 'none'})" if t.intensity is not None else None,
        f"from {obs['effectiveDateTime']}" if t.start is not None else "during the attack",
        t.description,
    )
    return obs


def _attack_narrative(a: Attack, period: dict[str, Any]) -> dict[str, Any]:
    when = f"{period['start']} to {period['end']}" if "end" in period else f"from {period['start']}"
    return narrative(
        f"{_label('attack-kind', a.kind)} attack, {when}",
        f"pain {a.intensity}/10",
        "with aura" if a.aura else None,
        plural(len(a.symptoms), "symptom") if a.symptoms else None,
        plural(len(a.twitching), "twitching episode") if a.twitching else None,
        plural(len(a.medications), "medication intake") if a.medications else None,
    )


def attack_resources(
    ctx: Ctx, a: Attack, names: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """The attack Observation, then its symptom and twitch Observations, then its intakes.

    ``names`` maps catalogue ids to medication names (for the intakes' narrative).
    """
    period = attack_period(a)
    members: list[dict[str, Any]] = []
    for i, s in enumerate(a.symptoms):
        obs = _symptom_base(ctx, "symptom", f"{a.id}#{i}")
        obs["effectivePeriod"] = period
        obs["valueCodeableConcept"] = concept("symptom", s)
        obs["text"] = narrative(
            f"Symptom: {_label('symptom', s)}", f"during the attack {period['start']}"
        )
        members.append(obs)
    members.extend(_twitch(ctx, f"{a.id}#{i}", t, period) for i, t in enumerate(a.twitching))

    obs = _symptom_base(ctx, "attack", a.id)
    obs["effectivePeriod"] = period
    obs["valueCodeableConcept"] = concept("attack-kind", a.kind)
    if a.pain_locations:
        obs["bodySite"] = concept("body-site", a.pain_locations[0])
    obs["component"] = _attack_components(a)
    if members:
        obs["hasMember"] = [{"reference": f"Observation/{m['id']}"} for m in members]
    if (notes := note(a.notes)) is not None:
        obs["note"] = notes
    if a.extra is not None:
        extra = json.dumps(a.extra, ensure_ascii=True, separators=(",", ":"))
        obs["extension"] = [ext("extra", valueString=extra)]
    obs["text"] = _attack_narrative(a, period)
    yield obs
    yield from members

    attack_ref = ctx.ref("Observation", "attack", a.id)
    for i, intake in enumerate(a.medications):
        ms = ctx.base("MedicationStatement", "intake", f"{a.id}#{i}")
        ms["status"] = "completed"
        ms["category"] = MS_CATEGORY_PATIENT
        ms["medicationReference"] = ctx.ref("Medication", "medication", intake.medication)
        ms["subject"] = ctx.patient_ref
        if intake.taken is not None:
            ms["effectiveDateTime"] = fhir_datetime(intake.taken)
        ms["informationSource"] = ctx.patient_ref
        ms["reasonReference"] = [attack_ref]
        if intake.dose is not None:
            ms["dosage"] = [{"text": text(intake.dose)}]
        if intake.relief is not None:
            ms["extension"] = [ext("effect", valueCode=intake.relief)]
        name = (names or {}).get(intake.medication, intake.medication)
        ms["text"] = narrative(
            f"Medication taken: {name}",
            intake.dose,
            f"at {ms['effectiveDateTime']}" if intake.taken is not None else None,
            f"relief {intake.relief}" if intake.relief is not None else None,
            f"for the attack of {period['start']}",
        )
        yield ms

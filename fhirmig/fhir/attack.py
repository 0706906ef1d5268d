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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
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
from fhirmig.fhir.fields import ATTACK_COMPONENTS
from fhirmig.fhir.gate import share
from fhirmig.fhir.terminology import concept, key_concept

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


def _duration(minutes: float) -> dict[str, Any]:
    return {"code": _codes().duration, "valueQuantity": quantity(minutes, "min", "min")}


@dataclass(frozen=True, slots=True)
class _Codes:
    """The fixed codes of the attack mapping, looked up once (they are shared)."""

    symptom: dict[str, Any]
    duration: dict[str, Any]
    severity: dict[str, Any]
    twitch_intensity: dict[str, Any]
    #: the ``derived-from`` extension of an end computed from the duration
    from_duration: dict[str, Any]
    #: per :data:`ATTACK_COMPONENTS` entry: (its index, field, code, value kind, vocabulary)
    components: tuple[tuple[int, str, dict[str, Any], str, str], ...]


@lru_cache(maxsize=1)
def _codes() -> _Codes:
    return _Codes(
        symptom=cc("element", "symptom"),
        duration=cc("element", "duration"),
        severity=cc("element", "symptom-severity"),
        twitch_intensity=cc("observation", "twitch-intensity"),
        from_duration=share(ext("derived-from", valueCode="duration"), "Extension"),
        components=tuple(
            (i, spec.field, cc(*spec.code), spec.value, str(spec.vocabulary))
            for i, spec in enumerate(ATTACK_COMPONENTS)
        ),
    )


def _symptom_base(ctx: Ctx, kind: str, record: str) -> dict[str, Any]:
    return ctx.observation(kind, record, [SYMPTOM_CATEGORY], _codes().symptom)


def attack_period(a: Attack) -> dict[str, Any]:
    """The attack's ``effectivePeriod``: its start and its end, the end computed from the
    duration when the diary gives only that (marked by the ``derived-from`` extension)."""
    if a.end is not None:
        return {"start": fhir_datetime(a.start), "end": fhir_datetime(a.end)}
    period: dict[str, Any] = {"start": fhir_datetime(a.start)}
    end = a.effective_end
    if end is not None:
        period["end"] = fhir_datetime(end)
        period["extension"] = [_codes().from_duration]
    return period


#: (component index, value) -> the shared component of a value that repeats: a coded key
#: (with its effect, for a relief method), a 0-10 rating or a yes/no. Checked once by the
#: gate when made: never modify one. As small as the vocabulary table.
_SHARED_COMPONENTS: dict[tuple[Any, ...], dict[str, Any]] = {}


def _new_component(
    key: tuple[Any, ...], code: dict[str, Any], kind: str, vocabulary: str, item: Any
) -> dict[str, Any]:
    """The component of one value of a field (:func:`_attack_components`), shared through
    :data:`_SHARED_COMPONENTS` when the value is one that repeats."""
    comp: dict[str, Any]
    if kind == "integer":
        comp = {"code": code, "valueInteger": item}
        repeats = item.__class__ is int and 0 <= item <= 10
    elif kind == "boolean":
        comp = {"code": code, "valueBoolean": item}
        repeats = item.__class__ is bool
    elif kind == "minutes":
        return {"code": code, "valueQuantity": quantity(item, "min", "min")}
    elif kind == "string":
        return {"code": code, "valueString": text(item)}
    elif kind == "relief":
        coded = key_concept(vocabulary, item.method)
        comp = {"code": code, "valueCodeableConcept": coded or concept(vocabulary, item.method)}
        if item.effect is not None:
            comp["extension"] = [ext("effect", valueCode=item.effect)]
        repeats = coded is not None
    else:
        coded = key_concept(vocabulary, item)
        comp = {"code": code, "valueCodeableConcept": coded or concept(vocabulary, item)}
        repeats = coded is not None
    if repeats:
        comp = _SHARED_COMPONENTS[key] = share(comp, "ObservationComponent")
    return comp


def _attack_components(a: Attack) -> list[dict[str, Any]]:
    """The attack's components, field by field in :data:`ATTACK_COMPONENTS` order."""
    comps = []
    shared = _SHARED_COMPONENTS
    for i, name, code, kind, vocabulary in _codes().components:
        value = getattr(a, name)
        if value is None:
            continue
        for item in value if value.__class__ is list else (value,):
            key = (i, item.method, item.effect) if kind == "relief" else (i, item)
            comps.append(shared.get(key) or _new_component(key, code, kind, vocabulary, item))
    return comps


def _twitch(ctx: Ctx, record: str, t: Twitch, period: dict[str, Any]) -> dict[str, Any]:
    codes = _codes()
    obs = _symptom_base(ctx, "twitch", record)
    if t.start is not None:
        obs["effectiveDateTime"] = when = fhir_datetime(t.start)
    else:
        obs["effectivePeriod"] = period
    obs["valueCodeableConcept"] = concept("symptom", "muscle-twitching")
    obs["bodySite"] = site = concept("body-site", t.location)
    comps: list[dict[str, Any]] = []
    severity = None
    if t.intensity is not None:
        severity = severity_of(t.intensity)
        if severity is not None:
            comps.append(
                {"code": codes.severity, "valueCodeableConcept": concept("severity", severity)}
            )
        comps.append({"code": codes.twitch_intensity, "valueInteger": t.intensity})
    if t.duration_minutes is not None:
        comps.append(_duration(t.duration_minutes))
    if comps:
        obs["component"] = comps
    if (described := note(t.description)) is not None:
        obs["note"] = described
    obs["text"] = narrative(
        f"Muscle twitching: {site['text']}",
        f"intensity {t.intensity}/10 ({severity or 'none'})" if t.intensity is not None else None,
        f"from {when}" if t.start is not None else "during the attack",
        t.description,
    )
    return obs


def _attack_narrative(a: Attack, period: dict[str, Any], label: str) -> dict[str, Any]:
    when = f"{period['start']} to {period['end']}" if "end" in period else f"from {period['start']}"
    return narrative(
        f"{label} attack, {when}",
        f"pain {a.intensity}/10",
        "with aura" if a.aura else None,
        plural(len(a.symptoms), "symptom") if a.symptoms else None,
        plural(len(a.twitching), "twitching episode") if a.twitching else None,
        plural(len(a.medications), "medication intake") if a.medications else None,
    )


def attack_resources(
    ctx: Ctx, a: Attack, names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The attack Observation, then its symptom and twitch Observations, then its intakes.

    ``names`` maps catalogue ids to medication names (for the intakes' narrative).
    """
    period = attack_period(a)
    start = period["start"]
    obs = _symptom_base(ctx, "attack", a.id)
    out = [obs]
    if a.symptoms:
        during = f"during the attack {start}"
        for i, s in enumerate(a.symptoms):
            member = _symptom_base(ctx, "symptom", f"{a.id}#{i}")
            member["effectivePeriod"] = period
            member["valueCodeableConcept"] = coded = concept("symptom", s)
            member["text"] = narrative(f"Symptom: {coded['text']}", during)
            out.append(member)
    out.extend(_twitch(ctx, f"{a.id}#{i}", t, period) for i, t in enumerate(a.twitching))

    obs["effectivePeriod"] = period
    obs["valueCodeableConcept"] = kind = concept("attack-kind", a.kind)
    if a.pain_locations:
        obs["bodySite"] = concept("body-site", a.pain_locations[0])
    obs["component"] = _attack_components(a)
    if len(out) > 1:
        obs["hasMember"] = [{"reference": f"Observation/{m['id']}"} for m in out[1:]]
    if (notes := note(a.notes)) is not None:
        obs["note"] = notes
    if a.extra is not None:
        extra = json.dumps(a.extra, ensure_ascii=True, separators=(",", ":"))
        obs["extension"] = [ext("extra", valueString=extra)]
    obs["text"] = _attack_narrative(a, period, kind["text"])
    if a.medications:
        out.extend(_intakes(ctx, a, obs["id"], start, names or {}))
    return out


def _intakes(
    ctx: Ctx, a: Attack, attack_id: str, start: str, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The attack's intakes as MedicationStatements, ``reasonReference`` the attack."""
    attack_ref = {"reference": f"Observation/{attack_id}"}
    reason = f"for the attack of {start}"
    out = []
    for i, intake in enumerate(a.medications):
        ms = ctx.base("MedicationStatement", "intake", f"{a.id}#{i}")
        ms["status"] = "completed"
        ms["category"] = MS_CATEGORY_PATIENT
        ms["medicationReference"] = ctx.ref("Medication", "medication", intake.medication)
        ms["subject"] = ctx.patient_ref
        if intake.taken is not None:
            ms["effectiveDateTime"] = taken = fhir_datetime(intake.taken)
        ms["informationSource"] = ctx.patient_ref
        ms["reasonReference"] = [attack_ref]
        if intake.dose is not None:
            ms["dosage"] = [{"text": text(intake.dose)}]
        if intake.relief is not None:
            ms["extension"] = [ext("effect", valueCode=intake.relief)]
        ms["text"] = narrative(
            f"Medication taken: {names.get(intake.medication, intake.medication)}",
            intake.dose,
            f"at {taken}" if intake.taken is not None else None,
            f"relief {intake.relief}" if intake.relief is not None else None,
            reason,
        )
        out.append(ms)
    return out

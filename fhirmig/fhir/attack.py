"""An attack as FHIR, following the HL7 Symptoms IG pattern.

One Observation per attack (code LOINC 75325-1 "Symptom", value the attack kind,
effectivePeriod, pain severity 0-10 as a LOINC 72514-3 component, pain locations,
qualities, triggers as exacerbating factors, relief methods with their effect as alleviating
factors, aura, disability, duration), whose ``hasMember`` lists one Observation per
associated symptom and per muscle-twitching entry. Each medication intake is a
MedicationStatement whose ``reasonReference`` is the attack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fhirmig.diary.model import Attack, Twitch
from fhirmig.fhir.context import (
    SYMPTOM_CATEGORY,
    Ctx,
    cc,
    ext,
    fhir_datetime,
    note,
    quantity,
    text,
)
from fhirmig.fhir.terminology import concept

__all__ = ["attack_resources"]


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


def _attack_components(a: Attack) -> list[dict[str, Any]]:
    comps = [_component(cc("element", "pain-severity"), valueInteger=a.intensity)]
    if a.duration_minutes is not None:
        comps.append(_duration(a.duration_minutes))
    if a.aura is not None:
        comps.append(_component(cc("observation", "aura"), valueBoolean=a.aura))
    for loc in a.pain_locations:
        comps.append(
            _component(
                cc("observation", "pain-location"), valueCodeableConcept=concept("body-site", loc)
            )
        )
    for q in a.pain_qualities:
        comps.append(
            _component(cc("element", "quality"), valueCodeableConcept=concept("pain-quality", q))
        )
    for t in a.triggers:
        comps.append(
            _component(cc("element", "trigger"), valueCodeableConcept=concept("trigger", t))
        )
    for r in a.relief_methods:
        comp = _component(
            cc("element", "relief"), valueCodeableConcept=concept("relief-method", r.method)
        )
        if r.effect is not None:
            comp["extension"] = [ext("effect", valueCode=r.effect)]
        comps.append(comp)
    if a.disability is not None:
        comps.append(
            _component(
                cc("observation", "disability"),
                valueCodeableConcept=concept("disability", a.disability),
            )
        )
    return comps


def _twitch(ctx: Ctx, record: str, t: Twitch) -> dict[str, Any]:
    obs = _symptom_base(ctx, "twitch", record)
    if t.start is not None:
        obs["effectiveDateTime"] = fhir_datetime(t.start)
    obs["valueCodeableConcept"] = concept("symptom", "muscle-twitching")
    obs["bodySite"] = concept("body-site", t.location)
    comps = []
    if t.intensity is not None:
        comps.append(_component(cc("element", "symptom-severity"), valueInteger=t.intensity))
    if t.duration_minutes is not None:
        comps.append(_duration(t.duration_minutes))
    if comps:
        obs["component"] = comps
    if (described := note(t.description)) is not None:
        obs["note"] = described
    return obs


def attack_resources(ctx: Ctx, a: Attack) -> Iterator[dict[str, Any]]:
    """The attack Observation, then its symptom and twitch Observations, then its intakes."""
    members: list[dict[str, Any]] = []
    for i, s in enumerate(a.symptoms):
        obs = _symptom_base(ctx, "symptom", f"{a.id}#{i}")
        obs["effectiveDateTime"] = fhir_datetime(a.start)
        obs["valueCodeableConcept"] = concept("symptom", s)
        members.append(obs)
    members.extend(_twitch(ctx, f"{a.id}#{i}", t) for i, t in enumerate(a.twitching))

    obs = _symptom_base(ctx, "attack", a.id)
    period = {"start": fhir_datetime(a.start)}
    if a.end is not None:
        period["end"] = fhir_datetime(a.end)
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
    yield obs
    yield from members

    attack_ref = ctx.ref("Observation", "attack", a.id)
    for i, intake in enumerate(a.medications):
        ms = ctx.base("MedicationStatement", "intake", f"{a.id}#{i}")
        ms["status"] = "completed"
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
        yield ms

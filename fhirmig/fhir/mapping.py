"""The diary as a stream of FHIR R4 resources (plain dicts, ``Type/id`` references).

Order: Patient, Device (fhirmig), Conditions, Medications (the catalogue), per attack its
Observation, symptom and twitch Observations and MedicationStatements, then day entries,
treatments, questionnaires, summary Observations of the clinical figures; a Provenance
follows every 1,000 resources and the last ones, naming them. The order is part of the output: the
reverse mapping reads lists back in it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from fhirmig.diary.model import Diary
from fhirmig.fhir.attack import attack_resources
from fhirmig.fhir.context import Ctx
from fhirmig.fhir.daily import day_resources, questionnaire_resource, treatment_resource
from fhirmig.fhir.ids import DEFAULT_PATIENT_SYSTEM
from fhirmig.fhir.patient import (
    condition_resource,
    device_resource,
    medication_resource,
    patient_resource,
    provenance_resource,
    recorded_instant,
)
from fhirmig.fhir.profiles import Profile, check_profile

if TYPE_CHECKING:
    from fhirmig.analysis.types import Stats

__all__ = [
    "PROVENANCE_TARGETS",
    "diary_to_resources",
    "fresh",
    "iter_resources",
    "shared_resources",
]

#: A Provenance names at most this many resources; a larger diary gets one per chunk, in
#: the stream right after its targets, so memory stays flat and no resource grows huge.
PROVENANCE_TARGETS = 1000


def iter_resources(
    diary: Diary,
    *,
    identifier_system: str = DEFAULT_PATIENT_SYSTEM,
    provenance: bool = True,
    summaries: bool = True,
    extra: list[dict[str, Any]] | None = None,
    profile: Profile = "r4",
    stats: Stats | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the diary's resources one by one (memory stays flat for huge diaries).

    ``summaries`` adds the summary Observations of the clinical figures
    (:mod:`fhirmig.fhir.summary`); ``extra`` resources (for example a DocumentReference)
    come after them, before the Provenance, which lists every resource yielded as target.

    ``profile="us-core"`` claims and meets the US Core 6.1.0 profiles
    (:mod:`fhirmig.fhir.profiles`); there the Device is left out (see
    :func:`~fhirmig.fhir.patient.provenance_resource`). ``stats``: the diary's
    ``compute_stats(diary)`` when the caller has it already (a report of the same diary),
    so the figures are computed once.

    Every resource is the caller's own value: changing it changes no other resource and
    no later conversion (the codes :func:`shared_resources` shares are copied).
    """
    for resource in shared_resources(
        diary,
        identifier_system=identifier_system,
        provenance=provenance,
        summaries=summaries,
        extra=extra,
        profile=profile,
        stats=stats,
    ):
        yield fresh(resource)


def fresh(resource: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a resource (JSON data), made at C speed through orjson."""
    try:
        copied: dict[str, Any] = orjson.loads(orjson.dumps(resource))
    except TypeError:  # a text orjson will not encode (a lone surrogate): copy it in Python
        return copy.deepcopy(resource)
    return copied


def shared_resources(
    diary: Diary,
    *,
    identifier_system: str = DEFAULT_PATIENT_SYSTEM,
    provenance: bool = True,
    summaries: bool = True,
    extra: list[dict[str, Any]] | None = None,
    profile: Profile = "r4",
    stats: Stats | None = None,
) -> Iterator[dict[str, Any]]:
    """The resources of :func:`iter_resources` without the copies, for writers that only
    serialise them (the Bundle and NDJSON writers, batch workers).

    Fixed codes and coded vocabulary keys are the same objects in every resource and
    every conversion of the process (checked once by the gate, which then trusts them):
    never change what this yields.
    """
    ctx = Ctx(
        diary.patient.id, deidentified=bool(diary.deidentified), profile=check_profile(profile)
    )
    recorded = recorded_instant(diary) if provenance else ""
    targets: list[dict[str, Any]] = []
    chunks = 0
    device = None if ctx.us_core else device_resource(ctx)
    device_id = None if device is None else str(device["id"])
    names = {m.id: m.name for m in diary.medications}

    def note(res: dict[str, Any]) -> Iterator[dict[str, Any]]:
        nonlocal targets, chunks
        yield res
        if provenance:
            targets.append({"resourceType": res["resourceType"], "id": res["id"]})
            if len(targets) == PROVENANCE_TARGETS:
                yield provenance_resource(ctx, chunks, targets, device_id, recorded)
                targets, chunks = [], chunks + 1

    yield from note(patient_resource(ctx, diary.patient, identifier_system, diary))
    if device is not None:
        yield device
    for c in diary.conditions:
        yield from note(condition_resource(ctx, c))
    for m in diary.medications:
        yield from note(medication_resource(ctx, m))
    for a in diary.attacks:
        for res in attack_resources(ctx, a, names):
            yield from note(res)
    for d in diary.days:
        for res in day_resources(ctx, d):
            yield from note(res)
    for t in diary.treatments:
        yield from note(treatment_resource(ctx, t))
    for i, q in enumerate(diary.questionnaires):
        yield from note(questionnaire_resource(ctx, q, i))
    if summaries:
        from fhirmig.fhir.summary import summary_resources

        for res in summary_resources(diary, stats, profile=ctx.profile):
            yield from note(res)
    for res in extra or ():
        yield from note(res)
    if targets:
        yield provenance_resource(ctx, chunks, targets, device_id, recorded)


def diary_to_resources(
    diary: Diary,
    *,
    identifier_system: str = DEFAULT_PATIENT_SYSTEM,
    provenance: bool = True,
    summaries: bool = True,
    extra: list[dict[str, Any]] | None = None,
    profile: Profile = "r4",
    stats: Stats | None = None,
) -> list[dict[str, Any]]:
    """Every FHIR resource of the diary, as plain dicts with ``Type/id`` references.

    Ids are UUIDv5 of the patient id, record kind and record id (:mod:`fhirmig.fhir.ids`),
    so the same diary always gives the same resources.
    """
    return list(
        iter_resources(
            diary,
            identifier_system=identifier_system,
            provenance=provenance,
            summaries=summaries,
            extra=extra,
            profile=profile,
            stats=stats,
        )
    )

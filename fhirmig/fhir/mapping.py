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
from itertools import chain, count, repeat
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
    provenance_of,
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

    Fixed codes, coded vocabulary keys and the attack components whose values repeat are
    the same objects in every resource and every conversion of the process (checked once
    by the gate, which then trusts them), and an attack's period and reasonReference are
    shared by the resources of that attack: never change what this yields.
    """
    ctx = Ctx(
        diary.patient.id, deidentified=bool(diary.deidentified), profile=check_profile(profile)
    )
    device = None if ctx.us_core else device_resource(ctx)
    names = {m.id: m.name for m in diary.medications}
    records = chain(
        map(condition_resource, repeat(ctx), diary.conditions),
        map(medication_resource, repeat(ctx), diary.medications),
        chain.from_iterable(map(attack_resources, repeat(ctx), diary.attacks, repeat(names))),
        chain.from_iterable(map(day_resources, repeat(ctx), diary.days)),
        map(treatment_resource, repeat(ctx), diary.treatments),
        map(questionnaire_resource, repeat(ctx), diary.questionnaires, count()),
        _summaries(ctx, diary, stats) if summaries else (),
        extra or (),
    )
    patient = patient_resource(ctx, diary.patient, identifier_system, diary)
    if not provenance:
        yield patient
        if device is not None:
            yield device
        yield from records
        return
    recorded = recorded_instant(diary)
    device_id = None if device is None else str(device["id"])
    targets: list[dict[str, Any]] = [{"reference": f"Patient/{patient['id']}"}]
    chunks = 0
    yield patient  # (a first chunk is never full with the Patient alone)
    if device is not None:  # the Device is no target: it is the Provenance's agent
        yield device
    for res in records:
        yield res
        targets.append({"reference": f"{res['resourceType']}/{res['id']}"})
        if len(targets) == PROVENANCE_TARGETS:
            yield provenance_of(ctx, chunks, targets, device_id, recorded)
            targets, chunks = [], chunks + 1
    if targets:
        yield provenance_of(ctx, chunks, targets, device_id, recorded)


def _summaries(ctx: Ctx, diary: Diary, stats: Stats | None) -> Iterator[dict[str, Any]]:
    """The summary Observations, computed when the stream reaches them."""
    from fhirmig.fhir.summary import summary_resources

    yield from summary_resources(diary, stats, profile=ctx.profile, ctx=ctx)


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

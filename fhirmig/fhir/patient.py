"""The patient, their diagnoses, their medication catalogue, and the provenance of it all."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fhirmig._version import __version__
from fhirmig.diary.model import Condition, Diary, Medication, Patient
from fhirmig.fhir.context import Ctx, ext, fhir_date, note, text
from fhirmig.fhir.ids import identifier, reference, resource_id
from fhirmig.fhir.terminology import concept

__all__ = [
    "ATC",
    "RXNORM",
    "condition_resource",
    "device_resource",
    "medication_resource",
    "patient_resource",
    "provenance_resource",
    "recorded_instant",
]

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
BCP47 = "urn:ietf:bcp:47"
_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def _uri(system: str) -> str:
    """An identifier system as a FHIR uri: any whitespace percent-encoded."""
    return "".join("%20" if ch.isspace() else ch for ch in system)


def patient_resource(ctx: Ctx, p: Patient, identifier_system: str, diary: Diary) -> dict[str, Any]:
    """The Patient: ``patient.id`` under ``identifier_system``, the diary's own identifiers."""
    res: dict[str, Any] = {"resourceType": "Patient", "id": ctx.patient_rid}
    if ctx.deidentified:
        res["meta"] = ctx.meta()
    res["identifier"] = [{"system": identifier_system, "value": text(p.id)}] + [
        {"system": _uri(i.system), "value": text(i.value)} for i in p.identifiers
    ]
    if p.name is not None:
        name: dict[str, Any] = {}
        if p.name.family is not None:
            name["family"] = text(p.name.family)
        if p.name.given:
            name["given"] = [text(g) for g in p.name.given]
        res["name"] = [name] if name else [{"extension": [ext("empty-name", valueBoolean=True)]}]
    if p.sex is not None:
        res["gender"] = p.sex
    if p.birth_date is not None:
        res["birthDate"] = fhir_date(p.birth_date)
    res["communication"] = [
        {"language": {"coding": [{"system": BCP47, "code": p.language}]}, "preferred": True}
    ]
    exts = [ext("timezone", valueCode=p.timezone)]
    if diary.deidentified is not None:
        exts.append(ext("deidentified", valueBoolean=diary.deidentified))
    res["extension"] = exts
    return res


def condition_resource(ctx: Ctx, c: Condition) -> dict[str, Any]:
    """A diagnosis: SNOMED, ICD-10, ICD-10-CM and the local code; asserted by the patient."""
    res = ctx.base("Condition", "condition", c.id)
    res["clinicalStatus"] = {"coding": [{"system": _CLINICAL, "code": c.clinical_status}]}
    res["verificationStatus"] = {
        "coding": [{"system": _VERIFICATION, "code": c.verification_status}]
    }
    res["category"] = [
        {
            "coding": [
                {"system": _CATEGORY, "code": "problem-list-item", "display": "Problem List Item"}
            ]
        }
    ]
    code = dict(concept("condition", c.code)) if c.code is not None else {}
    if c.text is not None:
        code["text"] = text(c.text)
    else:
        code.pop("text", None)
    res["code"] = code
    res["subject"] = ctx.patient_ref
    if c.onset is not None:
        res["onsetDateTime"] = c.onset
    res["recorder"] = ctx.patient_ref
    if c.verification_status != "confirmed":
        res["asserter"] = ctx.patient_ref
    if (notes := note(c.note)) is not None:
        res["note"] = notes
    return res


def medication_resource(ctx: Ctx, m: Medication) -> dict[str, Any]:
    """A catalogue entry: RxNorm and ATC codes where known, the name as text, the class."""
    res = ctx.base("Medication", "medication", m.id)
    codings = []
    if m.rxnorm is not None:
        codings.append({"system": RXNORM, "code": m.rxnorm})
    if m.atc is not None:
        codings.append({"system": ATC, "code": m.atc})
    code: dict[str, Any] = {"coding": codings} if codings else {}
    code["text"] = text(m.name)
    res["code"] = code
    res["extension"] = [ext("drug-class", valueCodeableConcept=concept("drug-class", m.drug_class))]
    return res


def device_resource(ctx: Ctx) -> dict[str, Any]:
    """fhirmig itself, with its version: the software that transformed the diary."""
    rid = resource_id("fhirmig", "software", __version__)
    res: dict[str, Any] = {
        "resourceType": "Device",
        "id": rid,
        "identifier": [identifier("fhirmig", "software", __version__)],
        "deviceName": [{"name": "fhirmig", "type": "manufacturer-name"}],
        "type": {"text": "Software that converts headache diaries to FHIR"},
        "version": [{"value": __version__}],
    }
    if ctx.deidentified:
        res["meta"] = ctx.meta()
    return res


def recorded_instant(diary: Diary) -> str:
    """The Provenance ``recorded`` instant, from the data (never from the clock).

    The latest moment the diary speaks of: the latest attack start, end, intake or twitch,
    else the end of the latest recorded day, questionnaire or treatment date (midnight after
    it, in the patient's zone); ``1970-01-01T00:00:00Z`` for an empty diary. In UTC.
    """
    from datetime import timedelta

    tz = diary.patient.tz
    moments: list[datetime] = []
    for a in diary.attacks:
        moments.append(a.start)
        if a.effective_end is not None:
            moments.append(a.effective_end)
        moments.extend(i.taken for i in a.medications if i.taken is not None)
        moments.extend(t.start for t in a.twitching if t.start is not None)
    days = [d.date for d in diary.days] + [q.date for q in diary.questionnaires]
    for t in diary.treatments:
        days.extend(x for x in (t.start, t.end, *t.dates) if x is not None)
    moments.extend(datetime(d.year, d.month, d.day, tzinfo=tz) + timedelta(days=1) for d in days)
    latest = max(moments, default=datetime(1970, 1, 1, tzinfo=UTC))
    return latest.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def provenance_resource(
    ctx: Ctx, chunk: int, targets: Iterable[dict[str, Any]], device_id: str, recorded: str
) -> dict[str, Any]:
    """Provenance of one chunk of resources: the patient is the author, fhirmig (a Device)
    assembled them; ``recorded`` comes from :func:`recorded_instant`."""
    res = ctx.base("Provenance", "provenance", str(chunk))
    del res["identifier"]  # Provenance has no identifier element in R4
    res["target"] = [reference(t["resourceType"], t["id"]) for t in targets]
    res["recorded"] = recorded
    res["agent"] = [
        {
            "type": {"coding": [{"system": _PARTICIPANT, "code": "author", "display": "Author"}]},
            "who": ctx.patient_ref,
        },
        {
            "type": {
                "coding": [{"system": _PARTICIPANT, "code": "assembler", "display": "Assembler"}]
            },
            "who": reference("Device", device_id),
        },
    ]
    return res

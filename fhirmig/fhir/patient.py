"""The patient, their diagnoses, their medication catalogue, and the provenance of it all."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from fhirmig._version import __version__
from fhirmig.diary.model import Condition, Diary, Medication, Patient
from fhirmig.fhir.context import Ctx, ext, fhir_date, narrative, note, text
from fhirmig.fhir.ids import identifier, reference, resource_id
from fhirmig.fhir.profiles import data_absent
from fhirmig.fhir.terminology import concept

__all__ = [
    "ATC",
    "RXNORM",
    "condition_resource",
    "device_resource",
    "medication_resource",
    "patient_resource",
    "provenance_of",
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
    """The Patient: ``patient.id`` under ``identifier_system``, the diary's own identifiers.

    The diary format's defaults (zone UTC, language ``en``) drive the computation but are
    not written as if the patient had said them: ``timezone`` and ``communication`` appear
    only when the diary states them. Under US Core a missing sex is ``gender: unknown``
    with a data-absent reason, and a missing or empty name a name with one (us-core-6).
    """
    res: dict[str, Any] = {"resourceType": "Patient", "id": ctx.patient_rid}
    meta = ctx.meta("Patient")
    if meta is not None:
        res["meta"] = meta
    res["identifier"] = [{"system": identifier_system, "value": text(p.id)}] + [
        {"system": _uri(i.system), "value": text(i.value)} for i in p.identifiers
    ]
    name: dict[str, Any] = {}
    if p.name is not None:
        if p.name.family is not None:
            name["family"] = text(p.name.family)
        if p.name.given:
            name["given"] = [text(g) for g in p.name.given]
        if not name:
            name["extension"] = [ext("empty-name", valueBoolean=True)]
    if ctx.us_core and "family" not in name and "given" not in name:
        name.setdefault("extension", []).append(data_absent("unknown"))
    if name:
        res["name"] = [name]
    if p.sex is not None:
        res["gender"] = p.sex
    elif ctx.us_core:
        res["gender"] = "unknown"
        res["_gender"] = {"extension": [data_absent("unknown")]}
    if p.birth_date is not None:
        # De-identified diaries keep only the birth year; FHIR can say just that.
        res["birthDate"] = str(p.birth_date.year) if ctx.deidentified else fhir_date(p.birth_date)
    if p.country is not None:
        # ISO 3166 alpha-2 is what Address.country asks for ("ISO 3166 2 or 3 letter code").
        res["address"] = [{"country": p.country}]
    stated = p.model_fields_set
    if "language" in stated:
        res["communication"] = [
            {"language": {"coding": [{"system": BCP47, "code": p.language}]}, "preferred": True}
        ]
    exts = []
    if "timezone" in stated:
        exts.append(ext("timezone", valueCode=p.timezone))
    if diary.deidentified is not None:
        exts.append(ext("deidentified", valueBoolean=diary.deidentified))
    if exts:
        res["extension"] = exts
    who = " ".join(
        [*(p.name.given if p.name else []), *([p.name.family] if p.name and p.name.family else [])]
    )
    res["text"] = narrative(
        f"Patient {who}" if who else "Patient",
        f"id {p.id}",
        f"born {res['birthDate']}" if "birthDate" in res else None,
        f"sex {p.sex}" if p.sex is not None else "sex not recorded",
    )
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
    label = c.text or (concept("condition", c.code).get("text") if c.code else None)
    res["text"] = narrative(
        f"Condition: {label}",
        f"{c.clinical_status}, {c.verification_status}",
        f"since {c.onset}" if c.onset else None,
        "reported by the patient",
    )
    return res


def medication_resource(ctx: Ctx, m: Medication) -> dict[str, Any]:
    """A catalogue entry: RxNorm and ATC codes where known, the name as text, the class.

    Codes the diary gives are sent as they are; where it gives none, the drug table's codes
    for the name are added when the table classifies the name as the diary does
    (:func:`fhirmig.diary.drugs.medication_codes`), marked ``derived-from: drug-table`` so
    the way back keeps the diary as it was.
    """
    from fhirmig.diary.drugs import medication_codes

    res = ctx.base("Medication", "medication", m.id)
    table = medication_codes(m.name, m.drug_class) if m.rxnorm is None or m.atc is None else {}
    codings: list[dict[str, Any]] = []
    for system, given, looked_up in (
        (RXNORM, m.rxnorm, table.get("rxnorm")),
        (ATC, m.atc, table.get("atc")),
    ):
        if given is not None:
            codings.append({"system": system, "code": given})
        elif looked_up:
            codings.append({"system": system, "code": looked_up, "extension": [_FROM_TABLE]})
    code: dict[str, Any] = {"coding": codings} if codings else {}
    code["text"] = text(m.name)
    res["code"] = code
    drug_class = concept("drug-class", m.drug_class)
    res["extension"] = [ext("drug-class", valueCodeableConcept=drug_class)]
    res["text"] = narrative(
        f"Medication: {m.name}",
        str(drug_class.get("text")),
        f"RxNorm {m.rxnorm}" if m.rxnorm else None,
        f"ATC {m.atc}" if m.atc else None,
    )
    return res


_FROM_TABLE: Final = {
    "url": "https://fhirmig.org/fhir/StructureDefinition/derived-from",
    "valueCode": "drug-table",
}


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
    meta = ctx.meta("Device")
    if meta is not None:
        res["meta"] = meta
    res["text"] = narrative(f"Software fhirmig {__version__}", "converted the diary to FHIR")
    return res


def _latest_moment(diary: Diary) -> datetime | None:
    tz = diary.patient.tz
    moments: list[datetime] = []
    for a in diary.attacks:
        moments.append(a.start)
        if (end := a.effective_end) is not None:  # a property that computes: read it once
            moments.append(end)
        if a.medications:
            moments.extend(i.taken for i in a.medications if i.taken is not None)
        if a.twitching:
            moments.extend(t.start for t in a.twitching if t.start is not None)
    days = [d.date for d in diary.days] + [q.date for q in diary.questionnaires]
    for t in diary.treatments:
        days.extend(x for x in (t.start, t.end, *t.dates) if x is not None)
    moments.extend(datetime(d.year, d.month, d.day, tzinfo=tz) + timedelta(days=1) for d in days)
    return max(moments, default=None)


def recorded_instant(diary: Diary, now: datetime | None = None) -> str:
    """The Provenance ``recorded`` instant: the latest moment the diary itself records.

    The latest attack start or end (``end``, else start + duration), intake or twitch
    time, else the end of the latest recorded day, questionnaire or treatment date
    (midnight after it, in the patient's zone), so the same diary gives the same bytes.
    A diary that records no moment at all takes ``SOURCE_DATE_EPOCH`` when it is set, else
    ``now`` (default: the conversion time). In UTC.
    """
    latest = _latest_moment(diary)
    if latest is None:
        from fhirmig.clock import source_date_epoch

        latest = source_date_epoch() or (now if now is not None else datetime.now(UTC))
    return latest.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def provenance_resource(
    ctx: Ctx, chunk: int, targets: Iterable[dict[str, Any]], device_id: str | None, recorded: str
) -> dict[str, Any]:
    """Provenance of one chunk of resources: the patient is the author, fhirmig (a Device)
    assembled them; ``recorded`` comes from :func:`recorded_instant`.

    Without ``device_id`` (US Core: a Device agent needs an organisation it acts for,
    provenance-1, which a patient's diary does not have) the patient is the only agent.
    """
    refs = [reference(t["resourceType"], t["id"]) for t in targets]
    return provenance_of(ctx, chunk, refs, device_id, recorded)


def provenance_of(
    ctx: Ctx, chunk: int, targets: list[dict[str, Any]], device_id: str | None, recorded: str
) -> dict[str, Any]:
    """:func:`provenance_resource` of the chunk's ``Type/id`` references (the list becomes
    the Provenance's ``target``), for a stream that makes them as it goes."""
    res = ctx.base("Provenance", "provenance", str(chunk))
    del res["identifier"]  # Provenance has no identifier element in R4
    res["target"] = targets
    res["recorded"] = recorded
    res["agent"] = [
        {
            "type": {"coding": [{"system": _PARTICIPANT, "code": "author", "display": "Author"}]},
            "who": ctx.patient_ref,
        },
    ]
    if device_id is not None:
        res["agent"].append(
            {
                "type": {
                    "coding": [
                        {"system": _PARTICIPANT, "code": "assembler", "display": "Assembler"}
                    ]
                },
                "who": reference("Device", device_id),
            }
        )
    res["text"] = narrative(
        f"Provenance of {len(res['target'])} resources",
        "author: the patient",
        f"assembled by fhirmig {__version__}" if device_id is not None else None,
        f"recorded {recorded}",
    )
    return res

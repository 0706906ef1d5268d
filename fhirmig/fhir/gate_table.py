"""The gate's table of the shapes fhirmig emits: for every complex type and resource, its
elements with their types and whether each is a list, the required elements, and the
``[x]`` choice groups.

The gate (:mod:`fhirmig.fhir.gate`) reads it twice over: its reference walk, which names
every problem, and the compiled per-shape checks of :mod:`fhirmig.fhir.shapes`. A type
here is either another entry of the table or a primitive of the gate (``string``,
``dateTime``, ``obs-status``...). Adding an element fhirmig emits means adding it here;
the gate then checks it, and ``tests/fhir/test_fhir_gate.py`` checks it against the
``fhir.resources`` R4B models.
"""

from __future__ import annotations

from typing import Final

__all__ = ["BACKBONE", "RESOURCE_TYPES", "TYPES", "Field", "Spec"]

Field = tuple[str, bool]  # (type name, is a list)
# type -> (fields, required fields, choice groups: (prefix, allowed suffixes, required))
Spec = tuple[dict[str, Field], frozenset[str], tuple[tuple[str, tuple[str, ...], bool], ...]]


def _s(
    fields: dict[str, Field],
    required: tuple[str, ...] = (),
    choices: tuple[tuple[str, tuple[str, ...], bool], ...] = (),
) -> Spec:
    for prefix, suffixes, _ in choices:
        for suffix in suffixes:
            complex_type = suffix in {"CodeableConcept", "Period", "Quantity", "Reference"}
            fields[prefix + suffix] = (
                suffix if complex_type else suffix[0].lower() + suffix[1:],
                False,
            )
    return fields, frozenset(required), choices


_CC = ("CodeableConcept", True)
_REF = ("Reference", False)
_EXT = ("Extension", True)
_NOTE = ("Annotation", True)
_ID = ("Identifier", True)
_RES = {
    "resourceType": ("code", False), "id": ("id", False), "meta": ("Meta", False),
    "text": ("Narrative", False),
}  # fmt: skip

TYPES: Final[dict[str, Spec]] = {
    "Meta": _s({"security": ("Coding", True), "profile": ("canonical", True)}),
    "Narrative": _s(
        {"status": ("narrative-status", False), "div": ("xhtml", False)}, ("status", "div")
    ),
    "Element": _s({"extension": _EXT}, ("extension",)),
    "Coding": _s(
        {"system": ("uri", False), "code": ("code", False), "display": ("string", False),
         "extension": _EXT}
    ),
    "CodeableConcept": _s(
        {"coding": ("Coding", True), "text": ("string", False), "extension": _EXT}
    ),
    "Identifier": _s({"system": ("uri", False), "value": ("string", False)}),
    "Reference": _s({"reference": ("reference", False), "display": ("string", False)}),
    "Period": _s({"start": ("dateTime", False), "end": ("dateTime", False), "extension": _EXT}),
    "Quantity": _s(
        {"value": ("decimal", False), "unit": ("string", False), "system": ("uri", False),
         "code": ("code", False)}
    ),
    "Annotation": _s({"text": ("markdown", False)}, ("text",)),
    "Extension": _s(
        {"url": ("uri", False)},
        ("url",),
        (("value", ("String", "Code", "Boolean", "Date", "CodeableConcept"), True),),
    ),
    "HumanName": _s({"family": ("string", False), "given": ("string", True), "extension": _EXT}),
    "Dosage": _s({"text": ("string", False), "timing": ("Timing", False)}),
    "Timing": _s({"repeat": ("TimingRepeat", False)}, ("repeat",)),
    "TimingRepeat": _s({"boundsPeriod": ("Period", False)}, ("boundsPeriod",)),
    "Attachment": _s(
        {"contentType": ("code", False), "size": ("unsignedInt", False),
         "hash": ("base64Binary", False), "title": ("string", False),
         "data": ("base64Binary", False), "url": ("url", False), "creation": ("dateTime", False)}
    ),
    "ObservationComponent": _s(
        {"code": ("CodeableConcept", False), "dataAbsentReason": ("CodeableConcept", False),
         "extension": _EXT},
        ("code",),
        (("value", ("Integer", "Boolean", "Quantity", "CodeableConcept", "String"), False),),
    ),
    "Address": _s({"country": ("string", False)}, ("country",)),
    "PatientCommunication": _s(
        {"language": ("CodeableConcept", False), "preferred": ("boolean", False)}, ("language",)
    ),
    "DeviceName": _s(
        {"name": ("string", False), "type": ("device-name-type", False)}, ("name", "type")
    ),
    "DeviceVersion": _s({"value": ("string", False)}, ("value",)),
    "ProvenanceAgent": _s({"type": ("CodeableConcept", False), "who": _REF}, ("who",)),
    "DocumentReferenceContent": _s(
        {"attachment": ("Attachment", False), "format": ("Coding", False)}, ("attachment",)
    ),
    "DocumentReferenceContext": _s({"period": ("Period", False)}),
    "Patient": _s(
        {**_RES, "identifier": _ID, "name": ("HumanName", True), "gender": ("gender", False),
         "_gender": ("Element", False), "birthDate": ("date", False),
         "address": ("Address", True),
         "communication": ("PatientCommunication", True), "extension": _EXT}
    ),
    "Device": _s(
        {**_RES, "identifier": _ID, "deviceName": ("DeviceName", True),
         "type": ("CodeableConcept", False), "version": ("DeviceVersion", True)}
    ),
    "Condition": _s(
        {**_RES, "identifier": _ID, "clinicalStatus": ("CodeableConcept", False),
         "verificationStatus": ("CodeableConcept", False), "category": _CC,
         "code": ("CodeableConcept", False), "subject": _REF, "recorder": _REF,
         "asserter": _REF, "note": _NOTE},
        ("subject",),
        (("onset", ("DateTime",), False),),
    ),
    "Medication": _s(
        {**_RES, "identifier": _ID, "code": ("CodeableConcept", False), "extension": _EXT}
    ),
    "Observation": _s(
        {**_RES, "identifier": _ID, "status": ("obs-status", False), "category": _CC,
         "code": ("CodeableConcept", False), "subject": _REF, "performer": ("Reference", True),
         "bodySite": ("CodeableConcept", False), "component": ("ObservationComponent", True),
         "hasMember": ("Reference", True), "derivedFrom": ("Reference", True), "note": _NOTE,
         "focus": ("Reference", True), "dataAbsentReason": ("CodeableConcept", False),
         "extension": _EXT},
        ("status", "code"),
        (("effective", ("DateTime", "Period"), False),
         ("value", ("Integer", "Boolean", "Quantity", "CodeableConcept", "String"), False)),
    ),
    "MedicationStatement": _s(
        {**_RES, "identifier": _ID, "status": ("ms-status", False),
         "category": ("CodeableConcept", False), "subject": _REF,
         "informationSource": _REF, "reasonReference": ("Reference", True),
         "dosage": ("Dosage", True), "note": _NOTE, "extension": _EXT},
        ("status", "subject"),
        (("medication", ("Reference", "CodeableConcept"), True),
         ("effective", ("DateTime", "Period"), False)),
    ),
    "MedicationRequest": _s(
        {**_RES, "identifier": _ID, "status": ("mr-status", False), "intent": ("mr-intent", False),
         "category": _CC, "subject": _REF, "dosageInstruction": ("Dosage", True), "note": _NOTE,
         "extension": _EXT},
        ("status", "intent", "subject"),
        (("reported", ("Boolean", "Reference"), False),
         ("medication", ("Reference", "CodeableConcept"), True)),
    ),
    "Procedure": _s(
        {**_RES, "identifier": _ID, "status": ("proc-status", False),
         "code": ("CodeableConcept", False), "subject": _REF, "recorder": _REF,
         "usedReference": ("Reference", True), "note": _NOTE, "extension": _EXT},
        ("status", "subject"),
        (("performed", ("DateTime", "Period"), False),),
    ),
    "Provenance": _s(
        {**_RES, "target": ("Reference", True), "recorded": ("instant", False),
         "agent": ("ProvenanceAgent", True)},
        ("target", "recorded", "agent"),
    ),
    "DocumentReference": _s(
        {**_RES, "identifier": _ID, "status": ("doc-status", False),
         "type": ("CodeableConcept", False), "category": _CC, "subject": _REF,
         "date": ("instant", False), "author": ("Reference", True),
         "description": ("string", False), "content": ("DocumentReferenceContent", True),
         "context": ("DocumentReferenceContext", False)},
        ("status", "content"),
    ),
}  # fmt: skip
BACKBONE: Final = {
    ("Observation", "component"): "ObservationComponent",
    ("Patient", "communication"): "PatientCommunication",
    ("Device", "deviceName"): "DeviceName",
    ("Device", "version"): "DeviceVersion",
    ("Provenance", "agent"): "ProvenanceAgent",
    ("DocumentReference", "content"): "DocumentReferenceContent",
    ("DocumentReference", "context"): "DocumentReferenceContext",
}

#: The resource types fhirmig emits (and the gate knows).
RESOURCE_TYPES: Final = frozenset(
    t for t in TYPES if t[0].isupper() and "Reference" != t and t in {
        "Patient", "Device", "Condition", "Medication", "Observation", "MedicationStatement",
        "MedicationRequest", "Procedure", "Provenance", "DocumentReference",
    }
)  # fmt: skip

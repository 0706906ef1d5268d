"""The fast gate: a cheap check that every resource fhirmig writes is valid FHIR R4.

fhirmig builds resources as plain dicts and serialises them with orjson. Before a
resource is written, :func:`check_resource` walks it against a table of exactly the
shapes fhirmig emits: allowed elements and their types, cardinality, required elements,
``value[x]``-style choices, the regular expressions of the FHIR primitive types, and the
status enumerations. It rejects everything the ``fhir.resources.R4B`` models reject for
these shapes (a test proves it over generated diaries and deliberately broken resources)
and more: empty objects and lists, ``null``, a bogus ``status``, a string where a number
belongs, a blank string, or a string holding a control character or whitespace FHIR does
not allow.

The rules are checked twice over, by two readings of the same table: the fast path
(:mod:`fhirmig.fhir.shapes`) checks each object shape's structure once and then only the
values of every resource; the reference walk below, which reports every problem with its
path, runs when the fast path does not pass a resource. Both accept the same resources.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Final

from fhirmig.errors import ResourceValidationError
from fhirmig.fhir.shapes import ShapeChecker
from fhirmig.wording import excerpt

__all__ = ["RESOURCE_TYPES", "check_resource", "fast_passes", "problems", "share"]

_DT = (
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|"
    r"3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3])"
    r":[0-5][0-9]|14:00)))?)?)?"
)
_DATE = (
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    r"(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?"
)
_INSTANT = (
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)


# The expression of each predicate made by _rx, so the fast path can call it directly.
_REGEX_OF: Final[dict[Callable[[Any], bool], re.Pattern[str]]] = {}


def _rx(pattern: str) -> Callable[[Any], bool]:
    compiled = re.compile(pattern)
    pred: Callable[[Any], bool] = lambda v: isinstance(v, str) and compiled.fullmatch(v) is not None  # noqa: E731
    _REGEX_OF[pred] = compiled
    return pred


# The codes of each predicate made by _enum, so the fast path can look them up directly.
_CODES_OF: Final[dict[Callable[[Any], bool], frozenset[str]]] = {}


def _enum(*codes: str) -> Callable[[Any], bool]:
    allowed = frozenset(codes)
    pred: Callable[[Any], bool] = lambda v: isinstance(v, str) and v in allowed  # noqa: E731
    _CODES_OF[pred] = allowed
    return pred


# A FHIR string matches [ \r\n\t\S]+ and holds no control character. One negated class
# says both: no control character but tab, LF and CR, and no whitespace (``str.isspace``)
# but those and the space. Printable ASCII text, the usual case, needs no expression.
_STRING = re.compile(
    r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
_STRING_LIMIT: Final = 1_048_576


def _string(v: Any) -> bool:
    return (
        isinstance(v, str)
        and 0 < len(v) <= _STRING_LIMIT
        and ((v.isascii() and v.isprintable()) or _STRING.fullmatch(v) is not None)
        and not v.isspace()
    )


# fhirmig's narratives are one XHTML div holding escaped text only (no inner markup).
_DIV_OPEN: Final = '<div xmlns="http://www.w3.org/1999/xhtml">'
_DIV_BAD = re.compile(r"[<>\x00-\x08\x0b\x0c\x0e-\x1f]|&(?!(amp|lt|gt|quot);)")


def _xhtml(v: Any) -> bool:
    if not isinstance(v, str) or len(v) > 65_536:
        return False
    if not (v.startswith(_DIV_OPEN) and v.endswith("</div>")):
        return False
    inner = v[len(_DIV_OPEN) : -6]
    if not inner.strip():
        return False
    if (
        inner.isascii()
        and inner.isprintable()
        and not ("<" in inner or ">" in inner or "&" in inner)
    ):
        return True  # printable ASCII with no markup: what _DIV_BAD would find nothing in
    return _DIV_BAD.search(inner) is None


def _integer(v: Any) -> bool:
    return type(v) is int and -(2**31) <= v < 2**31


def _unsigned(v: Any) -> bool:
    return _integer(v) and v >= 0


def _decimal(v: Any) -> bool:
    return (type(v) is int and abs(v) < 2**53) or (type(v) is float and math.isfinite(v))


_PRIMITIVES: Final[dict[str, Callable[[Any], bool]]] = {
    "string": _string,
    "markdown": _string,
    "id": _rx(r"[A-Za-z0-9\-.]{1,64}"),
    "code": _rx(r"[^\s]+( [^\s]+)*"),
    "uri": _rx(r"\S+"),
    "url": _rx(r"\S+"),
    "dateTime": _rx(_DT),
    "date": _rx(_DATE),
    "instant": _rx(_INSTANT),
    "boolean": lambda v: type(v) is bool,
    "integer": _integer,
    "unsignedInt": _unsigned,
    "decimal": _decimal,
    "base64Binary": _rx(r"(\s*([0-9a-zA-Z+/=]){4}\s*)+"),
    "reference": _rx(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})|(urn:uuid:[0-9a-f\-]{36})"),
    "obs-status": _enum(
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown",
    ),
    "ms-status": _enum(
        "active", "completed", "entered-in-error", "intended", "stopped", "on-hold",
        "unknown", "not-taken",
    ),
    "proc-status": _enum(
        "preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
        "entered-in-error", "unknown",
    ),
    "doc-status": _enum("current", "superseded", "entered-in-error"),
    "mr-status": _enum(
        "active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft",
        "unknown",
    ),
    "mr-intent": _enum(
        "proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
        "instance-order", "option",
    ),
    "narrative-status": _enum("generated", "extensions", "additional", "empty"),
    "xhtml": _xhtml,
    "canonical": _rx(r"\S+"),
    "gender": _enum("male", "female", "other", "unknown"),
    "device-name-type": _enum(
        "udi-label-name", "user-friendly-name", "patient-reported-name", "manufacturer-name",
        "model-name", "other",
    ),
}  # fmt: skip

#: The primitive types that are one regular expression's ``fullmatch`` of a ``str``, and
#: the string types (:func:`_string`): the fast path inlines these checks.
_PATTERNS: Final = {name: _REGEX_OF[p] for name, p in _PRIMITIVES.items() if p in _REGEX_OF}
_STRINGS: Final = frozenset(name for name, p in _PRIMITIVES.items() if p is _string)
#: The primitive types that are a ``str`` out of a fixed set of codes (status and the like).
_ENUMS: Final = {name: _CODES_OF[p] for name, p in _PRIMITIVES.items() if p in _CODES_OF}

Field = tuple[str, bool]  # (type name, is a list)
# type -> (fields, required fields, choice groups: (prefix, allowed suffixes, required))
_Spec = tuple[dict[str, Field], frozenset[str], tuple[tuple[str, tuple[str, ...], bool], ...]]


def _s(
    fields: dict[str, Field],
    required: tuple[str, ...] = (),
    choices: tuple[tuple[str, tuple[str, ...], bool], ...] = (),
) -> _Spec:
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

_TYPES: Final[dict[str, _Spec]] = {
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
_BACKBONE: Final = {
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
    t for t in _TYPES if t[0].isupper() and "Reference" != t and t in {
        "Patient", "Device", "Condition", "Medication", "Observation", "MedicationStatement",
        "MedicationRequest", "Procedure", "Provenance", "DocumentReference",
    }
)  # fmt: skip


_FAST: Final = ShapeChecker(
    _PRIMITIVES,
    _TYPES,
    _BACKBONE,
    patterns=_PATTERNS,
    strings=(_STRINGS, _STRING, _STRING_LIMIT),
    enums=_ENUMS,
)

# Immutable values shared by many resources (fixed codes, coded vocabulary keys), checked
# once when shared. Holding the object keeps its id from being reused.
_SHARED: dict[int, tuple[object, str]] = {}


def share(value: dict[str, Any], type_name: str) -> dict[str, Any]:
    """Check ``value`` as a ``type_name`` once and trust it from then on; return it.

    Only for values that are never modified after this call (they are shared).
    """
    found: list[str] = []
    _walk(value, type_name, type_name, found)
    if found:
        raise ResourceValidationError(type_name, "", found[0])
    _SHARED[id(value)] = (value, type_name)
    _FAST.trust(value, type_name)
    return value


def _walk(value: Any, type_name: str, path: str, out: list[str]) -> None:
    hit = _SHARED.get(id(value))
    if hit is not None and hit[0] is value and hit[1] == type_name:
        return
    prim = _PRIMITIVES.get(type_name)
    if prim is not None:
        if not prim(value):
            out.append(f"{path}: {excerpt(value)} is not a valid {type_name}")
        return
    if not isinstance(value, dict) or not value:
        out.append(f"{path}: must be a non-empty {type_name} object")
        return
    fields, required, choices = _TYPES[type_name]
    for key, item in value.items():
        spec = fields.get(key)
        if spec is None:
            out.append(f"{path}.{key}: unknown element of {type_name}")
            continue
        sub, many = spec
        sub = _BACKBONE.get((type_name, key), sub)
        where = f"{path}.{key}"
        if many:
            if not isinstance(item, list) or not item:
                out.append(f"{where}: must be a non-empty list")
                continue
            for i, elem in enumerate(item):
                _walk(elem, sub, f"{where}[{i}]", out)
        else:
            _walk(item, sub, where, out)
    for key in required:
        if key not in value:
            out.append(f"{path}.{key}: required element missing")
    for prefix, suffixes, needed in choices:
        present = sum(1 for s in suffixes if prefix + s in value)
        if present > 1:
            out.append(f"{path}.{prefix}[x]: more than one choice")
        elif needed and present == 0:
            out.append(f"{path}.{prefix}[x]: required element missing")


def problems(resource: Any) -> list[str]:
    """Every problem the gate finds in one resource (empty when it passes)."""
    if not isinstance(resource, dict):
        return ["resource: not a JSON object"]
    rtype = resource.get("resourceType")
    if rtype not in RESOURCE_TYPES:
        return [f"resourceType: {excerpt(rtype)} is not a resource type fhirmig writes"]
    out: list[str] = []
    _walk(resource, rtype, rtype, out)
    return out


def fast_passes(resource: Any) -> bool:
    """Whether the fast path passes the resource (False: ask :func:`problems`).

    It passes exactly the resources :func:`problems` finds nothing wrong with.
    """
    rtype = resource.get("resourceType") if isinstance(resource, dict) else None
    return rtype in RESOURCE_TYPES and _FAST.check(resource, rtype)


def check_resource(resource: dict[str, Any]) -> None:
    """Raise :class:`ResourceValidationError` unless the resource passes the gate."""
    if fast_passes(resource):
        return
    found = problems(resource)
    if found:
        rtype = str(resource.get("resourceType", "resource"))
        path, _, message = found[0].partition(": ")
        path = path.removeprefix(rtype).lstrip(".")
        extra = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ResourceValidationError(rtype, path, message + extra)

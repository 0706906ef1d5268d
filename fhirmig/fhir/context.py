"""What every mapping module shares: the patient context, fixed codes and value helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from html import escape
from typing import Any, Final

from fhirmig.diary.timeparse import format_datetime
from fhirmig.fhir.gate import share
from fhirmig.fhir.ids import extension_url, patient_identifiers, patient_ids, reference
from fhirmig.fhir.profiles import Profile, us_core_profile
from fhirmig.fhir.terminology import coding

__all__ = [
    "NARRATIVE_LIMIT",
    "PSEUDED",
    "SYMPTOM_CATEGORY",
    "UCUM",
    "Ctx",
    "cc",
    "fhir_date",
    "fhir_datetime",
    "narrative",
    "note",
    "number",
    "plural",
    "quantity",
    "text",
]

UCUM: Final = "http://unitsofmeasure.org"
#: The HL7 Symptoms IG category of a patient-reported symptom.
#: Shared by every symptom Observation and checked once by the gate: never modify it.
SYMPTOM_CATEGORY: Final = share(
    {
        "coding": [
            {
                "system": "http://hl7.org/fhir/uv/symptoms/CodeSystem/SymptomTemporary",
                "code": "symptom",
                "display": "Symptom",
            }
        ]
    },
    "CodeableConcept",
)
#: v3 ObservationValue PSEUDED: the data were pseudonymised (de-identified diaries).
PSEUDED: Final = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "PSEUDED",
    "display": "pseudonymized",
}


# A FHIR string's regex is [ \r\n\t\S]+ and control characters below U+0020 other than
# tab, CR and LF are not allowed either, yet a diary may hold them (a no-break space or an
# ideographic space in a note, a stray control character pasted from another app).
_FOREIGN_SPACE: Final = [
    0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF,
]  # fmt: skip
_CONTROL: Final = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D, *_FOREIGN_SPACE)]
_TRANSLATE: Final = str.maketrans(
    {**dict.fromkeys(_FOREIGN_SPACE, " "), **dict.fromkeys(_CONTROL, "\ufffd")}
)


def text(value: str) -> str:
    """A diary text as a FHIR string: whitespace FHIR forbids becomes a plain space, a
    control character the replacement character U+FFFD, and a text of whitespace only
    (a FHIR string must hold more) U+FFFD."""
    out = value.translate(_TRANSLATE)
    return out if out.strip() else "\ufffd"


#: A narrative quotes at most this many characters of one diary text (it is a summary; the
#: full text is in the resource's elements).
NARRATIVE_LIMIT: Final = 80
_XHTML: Final = '<div xmlns="http://www.w3.org/1999/xhtml">'


def narrative(*parts: str | None) -> dict[str, Any]:
    """A short generated ``Narrative``: the non-empty parts, escaped, joined by "; ".

    Every part is plain text (diary texts are cut at :data:`NARRATIVE_LIMIT` characters);
    the ``div`` holds no markup but the XHTML ``div`` itself, so it is always well formed.
    """
    shown = [part for part in parts if part]
    body = "; ".join(shown)
    if (  # the usual narrative: short printable ASCII parts with nothing to escape
        body.isascii()
        and body.isprintable()
        and "<" not in body
        and ">" not in body
        and "&" not in body
        and (len(body) <= NARRATIVE_LIMIT or max(map(len, shown)) <= NARRATIVE_LIMIT)
    ):
        return {"status": "generated", "div": f"{_XHTML}{body or '(no details)'}</div>"}
    for i, part in enumerate(shown):
        cut = part if len(part) <= NARRATIVE_LIMIT else part[: NARRATIVE_LIMIT - 1] + "\u2026"
        if not (cut.isascii() and cut.isprintable()):  # only diary texts need cleaning
            cut = text(cut)
        shown[i] = escape(cut, quote=False) if ("<" in cut or ">" in cut or "&" in cut) else cut
    return {"status": "generated", "div": f"{_XHTML}{'; '.join(shown)}</div>"}


def plural(n: int, word: str) -> str:
    """``1 symptom``, ``2 symptoms``: a count for a narrative."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def note(value: str | None) -> list[dict[str, Any]] | None:
    """``Annotation`` list for a note; None for no note or an empty or blank one."""
    if not value or not value.strip():
        return None
    return [{"text": text(value)}]


@lru_cache(maxsize=256)
def cc(vocabulary: str, key: str) -> dict[str, Any]:
    """A CodeableConcept holding the single first coding of a fixed element code.

    Shared, not copied (resources are only read once built): never modify the result.
    """
    return share({"coding": [coding(vocabulary, key)]}, "CodeableConcept")


def fhir_datetime(value: datetime) -> str:
    """A FHIR dateTime/instant: ISO 8601 with seconds and the original offset."""
    return format_datetime(value)


def fhir_date(value: date) -> str:
    """A FHIR date."""
    return value.isoformat()


def number(value: float) -> int | float:
    """A diary number as JSON: integral values without a fractional part."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    """A UCUM Quantity."""
    return {"value": number(value), "unit": unit, "system": UCUM, "code": code}


#: Record kinds whose ids other resources refer to (an intake to its attack and its
#: catalogue medication, a summary to the attacks it counts): :meth:`Ctx.rid` remembers them.
_REFERRED: Final = ("attack", "medication")


@dataclass(frozen=True, slots=True)
class Ctx:
    """The patient every resource belongs to, and the labels every resource carries."""

    patient_id: str
    deidentified: bool = False
    #: ``us-core``: claim and meet the US Core 6.1.0 profiles; ``r4``: plain FHIR R4.
    profile: Profile = "r4"
    patient_rid: str = field(init=False)
    _patient_reference: str = field(init=False, repr=False, compare=False)
    _plain: bool = field(init=False, repr=False, compare=False)
    _new_id: Callable[[str, str], str] = field(init=False, repr=False, compare=False)
    _identifier: Callable[[str, str], dict[str, Any]] = field(init=False, repr=False, compare=False)
    #: kind -> record -> id, for the kinds of :data:`_REFERRED`
    _known: dict[str, dict[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        new_id = patient_ids(self.patient_id)
        rid = new_id("patient", "")
        object.__setattr__(self, "patient_rid", rid)
        object.__setattr__(self, "_patient_reference", reference("Patient", rid)["reference"])
        object.__setattr__(self, "_plain", self.profile != "us-core" and not self.deidentified)
        object.__setattr__(self, "_new_id", new_id)
        object.__setattr__(self, "_identifier", patient_identifiers(self.patient_id))
        object.__setattr__(self, "_known", {kind: {} for kind in _REFERRED})

    @property
    def patient_ref(self) -> dict[str, Any]:
        """The reference to the Patient (a new dict each time)."""
        return {"reference": self._patient_reference}

    def rid(self, kind: str, record: str) -> str:
        """The id of one record of this patient (:func:`~fhirmig.fhir.ids.resource_id`).

        The ids of records other resources refer to are computed once per context.
        """
        known = self._known.get(kind)
        if known is None:
            return self._new_id(kind, record)
        found = known.get(record)
        if found is None:
            found = known[record] = self._new_id(kind, record)
        return found

    def ref(self, resource_type: str, kind: str, record: str) -> dict[str, Any]:
        """A reference to one record of this patient."""
        return {"reference": f"{resource_type}/{self.rid(kind, record)}"}

    def base(self, resource_type: str, kind: str, record: str) -> dict[str, Any]:
        """A new resource: type, id, business identifier and (if de-identified) its label."""
        res: dict[str, Any] = {
            "resourceType": resource_type,
            "id": self.rid(kind, record),
            "identifier": [self._identifier(kind, record)],
        }
        if not self._plain:
            meta = self.meta(resource_type, kind)
            if meta is not None:
                res["meta"] = meta
        return res

    def observation(
        self, kind: str, record: str, category: list[dict[str, Any]], code: dict[str, Any]
    ) -> dict[str, Any]:
        """A new final Observation of the patient, reported by the patient: :meth:`base`
        with ``status``, ``category``, ``code``, ``subject`` and ``performer``."""
        ref = self._patient_reference
        obs = self.base("Observation", kind, record)
        obs["status"] = "final"
        obs["category"] = category
        obs["code"] = code
        obs["subject"] = {"reference": ref}
        obs["performer"] = [{"reference": ref}]
        return obs

    @property
    def us_core(self) -> bool:
        """Whether resources claim and meet the US Core profiles."""
        return self.profile == "us-core"

    def meta(self, resource_type: str, kind: str | None = None) -> dict[str, Any] | None:
        """The ``meta`` of a resource: ``security`` PSEUDED for a de-identified diary, the
        US Core ``profile`` it claims under ``us-core``; None when it needs neither."""
        if self._plain:
            return None
        meta: dict[str, Any] = {}
        if self.us_core:
            url = us_core_profile(resource_type, kind)
            if url is not None:
                meta["profile"] = [url]
        if self.deidentified:
            meta["security"] = [dict(PSEUDED)]
        return meta or None


def ext(name: str, **value: Any) -> dict[str, Any]:
    """A fhirmig extension: ``ext("relief-effect", valueCode="good")``."""
    return {"url": extension_url(name), **value}

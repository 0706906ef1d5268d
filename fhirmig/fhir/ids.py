"""Deterministic resource ids, business identifiers and references.

Every resource id is a UUIDv5 of one fixed project namespace and the text
``<patient id>|<record kind>|<record id>``, so the same diary always gives the same ids, on
every machine, and two patients never share one. Every resource also carries a business
identifier: system ``https://fhirmig.org/fhir/sid/<record kind>``, value
``<patient id>/<record id>`` with ``/`` and ``%`` percent-encoded in both parts, so the
value is readable yet unambiguous. A transaction's conditional create searches on it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote

__all__ = [
    "BASE_URL",
    "CODE_SYSTEM",
    "DEFAULT_PATIENT_SYSTEM",
    "NAMESPACE",
    "extension_url",
    "identifier",
    "patient_identifiers",
    "patient_ids",
    "record_id_of",
    "record_kind_of",
    "reference",
    "resource_id",
    "sid",
]

#: The canonical base of everything fhirmig defines (code system, extensions, identifiers).
BASE_URL: Final = "https://fhirmig.org/fhir"
#: The one local code system: every vocabulary key, plus fhirmig's own observation codes.
CODE_SYSTEM: Final = f"{BASE_URL}/CodeSystem/fhirmig"
#: Default identifier system of ``patient.id`` (configurable per call).
DEFAULT_PATIENT_SYSTEM: Final = f"{BASE_URL}/sid/patient"
#: The fixed namespace of every resource id (never change it: ids would change).
NAMESPACE: Final = uuid.UUID("9d5e3c1a-6f0b-5d7e-9a41-2c8f0e6b7a13")

_SID_PREFIX: Final = f"{BASE_URL}/sid/"


def sid(kind: str) -> str:
    """The identifier system of a record kind (``attack`` -> ``.../sid/attack``)."""
    return _SID_PREFIX + kind


def extension_url(name: str) -> str:
    """The canonical URL of a fhirmig extension."""
    return f"{BASE_URL}/StructureDefinition/{name}"


_NS_BYTES: Final = NAMESPACE.bytes
#: A hex digit of byte 8's high nibble -> that nibble with the RFC 4122 variant bits 10.
_VARIANT: Final = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


def patient_ids(patient_id: str) -> Callable[[str, str], str]:
    """:func:`resource_id` of one patient as a function of ``(kind, record id)``.

    The UUIDv5 of RFC 4122 section 4.3, equal to ``str(uuid.uuid5(NAMESPACE, name))`` but
    computed without building UUID objects, because a large diary needs hundreds of
    thousands of them; the namespace and patient part of the hashed name are encoded once.
    """
    prefix = _NS_BYTES + f"{patient_id}|".encode()
    sha1 = hashlib.sha1
    variant = _VARIANT

    def rid(kind: str, record_id: str) -> str:
        x = sha1(prefix + f"{kind}|{record_id}".encode(), usedforsecurity=False).hexdigest()
        # version 5 in the high nibble of byte 6, variant 10 in the top bits of byte 8
        return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{variant[x[16]]}{x[17:20]}-{x[20:32]}"

    return rid


_ids_of = lru_cache(maxsize=64)(patient_ids)


def resource_id(patient_id: str, kind: str, record_id: str) -> str:
    """The UUIDv5 id of one record of one patient (:func:`patient_ids`)."""
    return _ids_of(patient_id)(kind, record_id)


def _part(text: str) -> str:
    """One part of an identifier value: ``/``, ``%``, controls and non-ASCII encoded."""
    if text.isascii() and text.isprintable() and "/" not in text and "%" not in text:
        return text  # every other printable ASCII character is kept as it is
    return quote(text, safe=" !\"#$&'()*+,:;<=>?@[\\]^_`{|}~")


def patient_identifiers(patient_id: str) -> Callable[[str, str], dict[str, Any]]:
    """:func:`identifier` of one patient as a function of ``(kind, record id)`` (the
    patient part of every value encoded once)."""
    head = _part(patient_id) + "/"

    def ident(kind: str, record_id: str) -> dict[str, Any]:
        return {"system": _SID_PREFIX + kind, "value": head + _part(record_id)}

    return ident


_identifiers_of = lru_cache(maxsize=64)(patient_identifiers)


def identifier(patient_id: str, kind: str, record_id: str) -> dict[str, Any]:
    """The business identifier of one record: ``{system, value}``."""
    return _identifiers_of(patient_id)(kind, record_id)


def record_kind_of(system: str) -> str | None:
    """The record kind of a fhirmig identifier system, or None for another system."""
    return system[len(_SID_PREFIX) :] if system.startswith(_SID_PREFIX) else None


def record_id_of(value: str) -> tuple[str, str]:
    """``(patient id, record id)`` from a business identifier value."""
    from urllib.parse import unquote

    head, _, tail = value.partition("/")
    return unquote(head), unquote(tail)


def reference(resource_type: str, rid: str) -> dict[str, Any]:
    """A literal reference ``{"reference": "Type/id"}``."""
    return {"reference": f"{resource_type}/{rid}"}

"""The fast gate: a cheap check that every resource fhirmig writes is valid FHIR R4.

fhirmig builds resources as plain dicts and serialises them with orjson. Before a
resource is written, :func:`check_resource` walks it against a table of exactly the
shapes fhirmig emits (:mod:`fhirmig.fhir.gate_table`): allowed elements and their types,
cardinality, required elements, ``value[x]``-style choices, the regular expressions of the
FHIR primitive types, and the status enumerations. It rejects everything the
``fhir.resources.R4B`` models reject for these shapes (a test proves it over generated
diaries and deliberately broken resources) and more: empty objects and lists, ``null``,
a bogus ``status``, a string where a number belongs, a blank string, or a string holding a
control character or whitespace FHIR does not allow.

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
from fhirmig.fhir.gate_table import BACKBONE, RESOURCE_TYPES, TYPES
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

_FAST: Final = ShapeChecker(
    _PRIMITIVES,
    TYPES,
    BACKBONE,
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
    fields, required, choices = TYPES[type_name]
    for key, item in value.items():
        spec = fields.get(key)
        if spec is None:
            out.append(f"{path}.{key}: unknown element of {type_name}")
            continue
        sub, many = spec
        sub = BACKBONE.get((type_name, key), sub)
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

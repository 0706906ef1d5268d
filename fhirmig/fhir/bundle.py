"""Bundles: a transaction (conditional creates) or a collection, as dicts or streamed.

In a Bundle every entry's ``fullUrl`` is ``urn:uuid:<id>`` and every internal reference
``Type/<id>`` is rewritten to that ``urn:uuid``, so the Bundle resolves on its own and a
server maps the references to the ids it assigns. A transaction entry's ``request`` is a
conditional create (``POST`` with ``ifNoneExist: identifier=system|value`` on the business
identifier), so sending the same diary twice creates nothing twice. Provenance has no
identifier element in R4; it is sent as ``PUT Provenance/<id>``, which is idempotent too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import IO, Any, Literal
from urllib.parse import quote

import orjson

from fhirmig.fhir.ids import NAMESPACE

__all__ = [
    "BundleType",
    "bundle_entry",
    "collection_bundle",
    "dumps",
    "dumps_line",
    "rewrite_references",
    "transaction_bundle",
    "write_bundle",
]

BundleType = Literal["transaction", "collection"]
_OPTIONS = orjson.OPT_SORT_KEYS


def dumps(resource: dict[str, Any]) -> bytes:
    """Compact JSON with sorted keys: the one serialisation of fhirmig (deterministic)."""
    return orjson.dumps(resource, option=_OPTIONS)


_LINE_OPTIONS = _OPTIONS | orjson.OPT_APPEND_NEWLINE


def dumps_line(resource: dict[str, Any]) -> bytes:
    """:func:`dumps` and a newline, as one NDJSON line (written by orjson, not copied)."""
    return orjson.dumps(resource, option=_LINE_OPTIONS)


def _rewrite(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "reference" and isinstance(v, str) and "/" in v and ":" not in v:
                out[k] = "urn:uuid:" + v.rsplit("/", 1)[1]
            else:
                out[k] = _rewrite(v) if isinstance(v, (dict, list)) else v
        return out
    if isinstance(value, list):
        return [_rewrite(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def rewrite_references(resource: dict[str, Any]) -> dict[str, Any]:
    """A copy of the resource with every ``Type/<id>`` reference written ``urn:uuid:<id>``."""
    result: dict[str, Any] = _rewrite(resource)
    return result


# Text made only of these needs no search escape, and no percent-encoding but of "/" and
# "#" (the separators of fhirmig's own identifier values).
_PLAIN = re.compile(r"[A-Za-z0-9_.~/#-]*")


def _esc(text: str) -> str:
    """A search parameter's token part: ``\\ , $ |`` escaped, then percent-encoded."""
    if _PLAIN.fullmatch(text):  # what quote(text, safe="") gives for such text:
        return text.replace("/", "%2F").replace("#", "%23")
    for ch in "\\,$|":
        text = text.replace(ch, "\\" + ch)
    return quote(text, safe="")


_esc_system = lru_cache(maxsize=64)(_esc)  # a diary has a handful of identifier systems


def _search_token(system: str, value: str) -> str:
    return f"identifier={_esc_system(system)}|{_esc(value)}"


# In compact JSON an unescaped quote only bounds a string, so this matches reference values
# and never text inside a string (where quotes are escaped).
_REFERENCE = re.compile(rb'"reference":"[A-Z][A-Za-z]+/')


def _entry_bytes(resource: dict[str, Any], bundle_type: BundleType) -> bytes:
    """``dumps(bundle_entry(resource, bundle_type))``, made from the resource's own bytes.

    An entry's keys sort as ``fullUrl``, ``request``, ``resource``, so the entry is its
    fullUrl and request followed by the serialised resource, whose references are
    rewritten on the bytes; no entry object is built and serialised again.
    """
    body = dumps(resource)
    if b'"reference":"' in body:
        body = _REFERENCE.sub(b'"reference":"urn:uuid:', body)
    head = b'{"fullUrl":' + orjson.dumps(f"urn:uuid:{resource['id']}")
    if bundle_type == "transaction":
        head += b',"request":' + dumps(_request(resource))
    return head + b',"resource":' + body + b"}"


def _request(resource: dict[str, Any]) -> dict[str, Any]:
    """A transaction entry's request: a conditional create on the first business
    identifier, or an idempotent ``PUT`` for a resource without one (Provenance)."""
    rtype = resource["resourceType"]
    idents = resource.get("identifier")
    if idents:
        first = idents[0]
        return {
            "method": "POST",
            "url": rtype,
            "ifNoneExist": _search_token(first["system"], first["value"]),
        }
    return {"method": "PUT", "url": f"{rtype}/{resource['id']}"}


def bundle_entry(
    resource: dict[str, Any], bundle_type: BundleType, *, rewrite: bool = True
) -> dict[str, Any]:
    """One Bundle entry: fullUrl, the resource with urn:uuid references, and the request."""
    entry: dict[str, Any] = {
        "fullUrl": f"urn:uuid:{resource['id']}",
        "resource": rewrite_references(resource) if rewrite else resource,
    }
    if bundle_type == "transaction":
        entry["request"] = _request(resource)
    return entry


def _bundle_id(first_id: str, bundle_type: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"bundle|{bundle_type}|{first_id}"))


def _bundle(resources: Iterable[dict[str, Any]], bundle_type: BundleType) -> dict[str, Any]:
    entries = [bundle_entry(r, bundle_type) for r in resources]
    first = entries[0]["resource"]["id"] if entries else ""
    return {
        "resourceType": "Bundle",
        "id": _bundle_id(first, bundle_type),
        "type": bundle_type,
        "entry": entries,
    }


def transaction_bundle(resources: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A transaction Bundle of conditional creates (see the module docstring)."""
    return _bundle(resources, "transaction")


def collection_bundle(resources: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A collection Bundle (a file to keep or hand over; no requests)."""
    return _bundle(resources, "collection")


def write_bundle(
    resources: Iterator[dict[str, Any]],
    fh: IO[bytes],
    bundle_type: BundleType,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """Stream a Bundle to ``fh``, one entry per line; return the number of entries.

    The bytes equal ``dumps(transaction_bundle(...))`` apart from the line breaks between
    entries, but only one resource is held in memory at a time. ``check`` (the gate) is
    called on every resource before it is written.
    """
    count = 0
    first_id = ""
    for res in resources:
        if check is not None:
            check(res)
        fh.write(b'{"entry":[\n' if count == 0 else b",\n")
        if count == 0:
            first_id = res["id"]
        fh.write(_entry_bytes(res, bundle_type))
        count += 1
    head = b'{"entry":[\n' if count == 0 else b"\n"
    tail = {"id": _bundle_id(first_id, bundle_type), "resourceType": "Bundle", "type": bundle_type}
    fh.write(head + b"]," + dumps(tail)[1:] + b"\n")
    return count

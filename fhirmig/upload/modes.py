"""Choosing how to upload from what the server says it can do (its CapabilityStatement).

``--mode auto`` reads ``GET [base]/metadata`` before anything is sent and picks, in order:

``transaction``  the server offers the ``transaction`` interaction and, for every type
                 being sent, ``create``, ``update`` and ``search-type``: each chunk is all
                 or nothing on the server;
``batch``        no transaction, but ``batch`` and the same per-type interactions;
``single``       neither Bundle, but the per-type interactions: one request per change;
``document``     the server does not take the diary's resources (many EHRs open only
                 DocumentReference to patient apps), but creates DocumentReference and
                 searches Patient: the PDF report alone, as US Core's clinical-notes
                 guidance describes.

A server that offers none of them gets an error naming what is missing, before anything
is written. The choice and its reason are shown to the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fhirmig.errors import UploadError

__all__ = ["MODES", "Capabilities", "ModeChoice", "choose_mode", "parse_capabilities"]

#: Values of ``--mode``.
MODES = ("auto", "transaction", "batch", "single", "document")
_NEEDED = ("create", "update", "search-type")


@dataclass
class Capabilities:
    """What a CapabilityStatement says the server does (``rest`` in server mode)."""

    system: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=dict)
    update_create: dict[str, bool] = field(default_factory=dict)

    def offers(self, rtype: str, interaction: str) -> bool:
        return interaction in self.types.get(rtype, set())

    def missing(self, types: Iterable[str]) -> list[str]:
        """``Type: interaction`` for every needed per-type interaction not offered."""
        return [f"{t} {i}" for t in sorted(set(types)) for i in _NEEDED if not self.offers(t, i)]

    def no_delete(self) -> frozenset[str]:
        """The types the server offers no ``delete`` for."""
        return frozenset(t for t, i in self.types.items() if "delete" not in i)


@dataclass(frozen=True)
class ModeChoice:
    """The mode picked and the reason, in words for the user."""

    mode: str
    reason: str


def parse_capabilities(statement: Mapping[str, Any]) -> Capabilities:
    """The interactions of the CapabilityStatement's server ``rest`` entries."""
    caps = Capabilities()
    for rest in statement.get("rest") or []:
        if not isinstance(rest, dict) or rest.get("mode", "server") != "server":
            continue
        for item in rest.get("interaction") or []:
            if isinstance(item, dict) and isinstance(item.get("code"), str):
                caps.system.add(item["code"])
        for res in rest.get("resource") or []:
            if not isinstance(res, dict) or not isinstance(res.get("type"), str):
                continue
            codes = {
                str(i.get("code")) for i in res.get("interaction") or [] if isinstance(i, dict)
            }
            caps.types.setdefault(res["type"], set()).update(codes)
            caps.update_create[res["type"]] = bool(res.get("updateCreate"))
    return caps


def choose_mode(caps: Capabilities, types: Iterable[str], *, can_document: bool) -> ModeChoice:
    """The best way to send resources of ``types`` to this server (see the module doc).

    ``can_document`` says whether a document-only upload is possible (a report can be
    made). Raises :class:`UploadError` when nothing fits.
    """
    needed = set(types) - {"Device", "Provenance"}
    missing = caps.missing(needed)
    if not missing:
        if "transaction" in caps.system:
            return ModeChoice("transaction", "the server offers transaction Bundles")
        if "batch" in caps.system:
            return ModeChoice(
                "batch", "the server offers no transaction Bundles, but batch Bundles"
            )
        return ModeChoice("single", "the server offers no Bundles; one request per change")
    doc_ok = caps.offers("DocumentReference", "create") and caps.offers("Patient", "search-type")
    if can_document and doc_ok:
        return ModeChoice(
            "document",
            f"the server does not take the diary's resources ({', '.join(missing[:3])} "
            "not offered); sending the PDF report as a DocumentReference only",
        )
    hint = "" if can_document else "; a document-only upload needs a diary (not FHIR input)"
    raise UploadError(
        "the server's CapabilityStatement offers none of the ways fhirmig uploads: "
        f"missing {', '.join(missing[:6])}"
        + (" and DocumentReference create" if not doc_ok else "")
        + f"{hint}; nothing was sent"
    )

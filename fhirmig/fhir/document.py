"""The PDF report as a DocumentReference, for sending it beside (or instead of) the diary.

It meets US Core 6.1.0's DocumentReference profile, which is what US EHRs take patient
documents as (the "writing clinical notes" guidance: one DocumentReference, one POST):

* ``type``: LOINC has no document code for a headache-diary report, so the generic LOINC
  note type 34109-9 "Note" (a document-scale LOINC code, as US Core's type binding asks;
  corroborated, see docs/terminology.md) beside the local code and the text "Headache diary
  report";
* ``category``: US Core's ``clinical-note``;
* ``date`` (when the report was made: its "generated" day) and ``author`` (the patient,
  who kept the diary);
* ``content.attachment``: the PDF inline (``data``) with its ``size`` and SHA-1 ``hash``
  (base64), as FHIR R4's Attachment defines them; ``content.format`` IHE's
  ``urn:ihe:iti:xds:2017:mimeTypeSufficient`` (a PDF needs no format beyond its MIME type);
* ``context.period``: the period the report covers.

Its business identifier is the patient, the period and the PDF's SHA-1: the same report is
the same record (a re-upload creates nothing), a changed one is a new record that replaces
the earlier (the upload adds ``relatesTo`` and marks the old one superseded).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any

from fhirmig.diary.model import Diary
from fhirmig.fhir.context import Ctx, fhir_date, narrative, text
from fhirmig.fhir.profiles import US_CORE_BASE, Profile
from fhirmig.fhir.terminology import concept

__all__ = ["DOCUMENT_CATEGORY", "FORMAT_CODE", "US_CORE_DOCUMENT", "document_reference"]

#: US Core's DocumentReference category for clinical notes.
DOCUMENT_CATEGORY = {
    "coding": [
        {
            "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
            "code": "clinical-note",
            "display": "Clinical Note",
        }
    ]
}
#: IHE format code of a document whose MIME type says all (FHIR R4 ValueSet formatcodes).
FORMAT_CODE = {
    "system": "http://ihe.net/fhir/ValueSet/IHE.FormatCode.codesystem",
    "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "display": "mimeType Sufficient",
}
US_CORE_DOCUMENT = US_CORE_BASE + "us-core-documentreference"


def document_reference(
    diary: Diary,
    pdf: bytes,
    *,
    start: date,
    end: date,
    title: str,
    generated: date | None = None,
    profile: Profile = "r4",
) -> dict[str, Any]:
    """A DocumentReference holding the PDF report of ``diary`` for ``start``..``end``.

    ``generated`` (the report's date; default ``end``) is the document's ``date``.
    ``profile="us-core"`` claims US Core's DocumentReference profile in ``meta.profile``
    (the elements it asks for are there in either case). ``text`` is a short narrative.
    """
    digest = hashlib.sha1(pdf, usedforsecurity=False).digest()
    ctx = Ctx(diary.patient.id, deidentified=bool(diary.deidentified), profile=profile)
    record = f"{fhir_date(start)}..{fhir_date(end)}#{digest.hex()}"
    res = ctx.base("DocumentReference", "document", record)  # meta.profile under us-core
    made = generated or end
    res["text"] = narrative(
        f"Headache diary report, {fhir_date(start)} to {fhir_date(end)}",
        f"PDF of {len(pdf)} bytes made {fhir_date(made)}",
    )
    res["status"] = "current"
    res["type"] = concept("observation", "pain-report")
    res["category"] = [DOCUMENT_CATEGORY]
    res["subject"] = ctx.patient_ref
    res["date"] = f"{fhir_date(made)}T00:00:00Z"
    res["author"] = [ctx.patient_ref]
    res["description"] = text(title)
    res["content"] = [
        {
            "attachment": {
                "contentType": "application/pdf",
                "data": base64.b64encode(pdf).decode("ascii"),
                "size": len(pdf),
                "hash": base64.b64encode(digest).decode("ascii"),
                "title": text(title),
                "creation": fhir_date(made),
            },
            "format": dict(FORMAT_CODE),
        }
    ]
    res["context"] = {"period": {"start": fhir_date(start), "end": fhir_date(end)}}
    return res

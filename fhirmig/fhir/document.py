"""The PDF report as a DocumentReference, for sending it beside the diary's resources.

LOINC has no document code for a headache-diary report, so the type carries the generic
LOINC note type 34109-9 "Note" (corroborated, see docs/terminology.md) beside the local
code ``observation.pain-report`` and the text "Headache diary report". The PDF travels
inline (``attachment.data``) with its size and SHA-1 hash (base64), as FHIR R4 defines them.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any

from fhirmig.diary.model import Diary
from fhirmig.fhir.context import Ctx, fhir_date, text
from fhirmig.fhir.terminology import concept

__all__ = ["document_reference"]


def document_reference(
    diary: Diary, pdf: bytes, *, start: date, end: date, title: str
) -> dict[str, Any]:
    """A DocumentReference holding the PDF report of ``diary`` for ``start``..``end``.

    Its id and business identifier come from the patient id, the period and the PDF's
    SHA-1, so the same report is the same resource and a re-upload creates nothing twice.
    """
    digest = hashlib.sha1(pdf, usedforsecurity=False).digest()
    ctx = Ctx(diary.patient.id, deidentified=bool(diary.deidentified))
    record = f"{fhir_date(start)}..{fhir_date(end)}#{digest.hex()}"
    res = ctx.base("DocumentReference", "document", record)
    res["status"] = "current"
    res["type"] = concept("observation", "pain-report")
    res["subject"] = ctx.patient_ref
    res["description"] = text(title)
    res["content"] = [
        {
            "attachment": {
                "contentType": "application/pdf",
                "data": base64.b64encode(pdf).decode("ascii"),
                "size": len(pdf),
                "hash": base64.b64encode(digest).decode("ascii"),
                "title": text(title),
            }
        }
    ]
    res["context"] = {"period": {"start": fhir_date(start), "end": fhir_date(end)}}
    return res

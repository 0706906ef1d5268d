"""The PDF report as a DocumentReference."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from pathlib import Path

import fhirkit
from fhir.resources.R4B.documentreference import DocumentReference

from fhirmig.diary import read_diary
from fhirmig.fhir import document_reference, transaction_bundle
from fhirmig.fhir.gate import problems
from fhirmig.fhir.ids import resource_id

GOLDEN = Path(__file__).parent / "golden"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_document_reference_describes_the_pdf() -> None:
    diary = read_diary(GOLDEN / "small-diary.json")
    doc = document_reference(
        diary, PDF, start=date(2026, 10, 1), end=date(2026, 10, 31), title="Headache report"
    )
    att = doc["content"][0]["attachment"]
    assert att["contentType"] == "application/pdf"
    assert att["size"] == len(PDF)
    assert base64.b64decode(att["hash"]) == hashlib.sha1(PDF).digest()
    assert base64.b64decode(att["data"]) == PDF
    assert doc["subject"] == {"reference": f"Patient/{resource_id('golden-1', 'patient', '')}"}
    assert doc["context"]["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    assert doc["type"]["coding"][0]["code"] == "observation.pain-report"
    assert {"system": "http://loinc.org", "code": "34109-9", "display": "Note"} in doc["type"][
        "coding"
    ]
    assert doc["type"]["text"] == "Headache diary report"
    assert problems(doc) == []
    DocumentReference.model_validate(doc)
    assert not [i for i in fhirkit.validate(doc) if i.severity == "error"]
    entry = transaction_bundle([doc])["entry"][0]
    assert entry["request"]["method"] == "POST" and "ifNoneExist" in entry["request"]


def test_same_report_same_id_other_pdf_other_id() -> None:
    diary = read_diary(GOLDEN / "small-diary.json")
    kw = {"start": date(2026, 10, 1), "end": date(2026, 10, 31), "title": "r"}
    a, b = document_reference(diary, PDF, **kw), document_reference(diary, PDF, **kw)  # type: ignore[arg-type]
    c = document_reference(diary, PDF + b" ", **kw)  # type: ignore[arg-type]
    assert a == b and a["id"] != c["id"]


def test_document_reference_has_what_us_core_asks() -> None:
    diary = read_diary(GOLDEN / "small-diary.json")
    kw = {"start": date(2026, 10, 1), "end": date(2026, 10, 31), "title": "Headache report"}
    plain = document_reference(diary, PDF, generated=date(2026, 11, 2), **kw)  # type: ignore[arg-type]
    assert "meta" not in plain
    assert plain["category"] == [
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                    "code": "clinical-note",
                    "display": "Clinical Note",
                }
            ]
        }
    ]
    assert plain["date"] == "2026-11-02T00:00:00Z"
    assert plain["author"] == [plain["subject"]]
    assert plain["content"][0]["format"]["code"] == "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    assert plain["content"][0]["attachment"]["creation"] == "2026-11-02"
    assert "2026-10-01 to 2026-10-31" in plain["text"]["div"]
    us_core = document_reference(diary, PDF, profile="us-core", **kw)  # type: ignore[arg-type]
    assert us_core["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
    ]
    assert us_core["date"] == "2026-10-31T00:00:00Z"  # made on the period's last day
    assert problems(us_core) == [] and problems(plain) == []
    DocumentReference.model_validate(us_core)

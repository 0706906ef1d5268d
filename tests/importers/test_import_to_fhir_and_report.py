"""An imported Migraine Buddy export converts to FHIR and a report without further editing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import fhirkit
import pytest
from click.testing import CliRunner
from fhir.resources.R4B import get_fhir_model_class
from pypdf import PdfReader

from fhirmig.cli import cli
from fhirmig.fhir import collection_bundle, diary_to_resources, transaction_bundle
from fhirmig.fhir.gate import problems
from fhirmig.importers import import_migraine_buddy
from fhirmig.report import render_report

DATA = Path(__file__).parent / "data"
FIXTURES = [
    ("mb_standard.csv", "Europe/Lisbon"),
    ("mb_us_variant.csv", "America/New_York"),
    ("mb_semicolon.csv", "Europe/Berlin"),
    ("mb_events_only.csv", "UTC"),
    ("mb_2024.csv", "Europe/Berlin"),
    ("mb_report_dmy.html", "Europe/London"),
]


def _validate(resource: dict[str, Any]) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    errors = [str(i) for i in fhirkit.validate(resource) if i.severity == "error"]
    assert not errors, errors


@pytest.mark.parametrize(("name", "timezone"), FIXTURES)
def test_imported_export_gives_valid_fhir(name: str, timezone: str) -> None:
    diary = import_migraine_buddy(DATA / name, patient_id="p-mb", timezone=timezone).diary
    resources = diary_to_resources(diary)
    for resource in resources:
        _validate(resource)
        assert problems(resource) == []
    _validate(transaction_bundle(resources))
    _validate(collection_bundle(resources))
    assert [r["resourceType"] for r in resources].count("Patient") == 1
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    assert len(statements) == sum(len(a.medications) for a in diary.attacks)


def test_free_text_words_are_carried_as_text_not_codes() -> None:
    diary = import_migraine_buddy(
        DATA / "mb_standard.csv", patient_id="p-mb", timezone="Europe/Lisbon"
    ).diary
    text = str(diary_to_resources(diary))
    for word in ("Worse pain if moving", "Hot shower", "Red wine", "Right Front Head"):
        assert word in text


def test_imported_export_gives_a_report(tmp_path: Path) -> None:
    diary = import_migraine_buddy(
        DATA / "mb_standard.csv", patient_id="p-mb", timezone="Europe/Lisbon"
    ).diary
    pdf = render_report(diary, tmp_path / "r.pdf", generated=date(2026, 11, 25))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Patient p-mb" in text
    for expected in ("Sumatriptan 50mg Oral", "Hot shower", "Worse pain if moving", "2026-10-03"):
        assert expected in text


def test_cli_import_then_convert_and_report() -> None:
    runner = CliRunner()
    steps = [
        ["import", "migraine-buddy", str(DATA / "mb_us_variant.csv"), "-o", "d.json",
         "--patient-id", "p-us", "--timezone", "America/New_York"],
        ["convert", "d.json", "-o", "bundle.json"],
        ["report", "d.json", "-o", "report.pdf"],
    ]  # fmt: skip
    for args in steps:
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    assert Path("bundle.json").stat().st_size > 1000
    assert PdfReader("report.pdf").pages


def test_imported_drug_carries_its_atc_coding_in_fhir() -> None:
    diary = import_migraine_buddy(DATA / "mb_standard.csv", patient_id="p-mb").diary
    coded = {}
    for resource in diary_to_resources(diary):
        if resource["resourceType"] == "Medication":
            _validate(resource)
            coded[resource["code"]["text"]] = {
                c["system"]: c["code"] for c in resource["code"].get("coding", [])
            }
    suma = next(v for k, v in coded.items() if k.lower().startswith("sumatriptan"))
    assert suma == {"http://www.whocc.no/atc": "N02CC01"}

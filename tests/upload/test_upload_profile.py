"""``fhirmig upload --profile us-core``: a real FHIR server stores the US Core resources."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fhirmig.cli import cli

from .conftest import FhirServer

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"


def test_us_core_upload_is_stored_with_its_claims(fhir_server: FhirServer, examples: Path) -> None:
    diary = json.loads((examples / "chronic-overuse.json").read_text("utf-8"))
    diary["patient"]["id"] = "us-core-upload-1"  # its own patient on the shared server
    Path("diary.json").write_text(json.dumps(diary), "utf-8")
    args = ["upload", "diary.json", "--server", fhir_server.base_url, "--profile", "us-core"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "failed 0" in result.stdout.splitlines()[0]
    (patient,) = fhir_server.search(
        "Patient?identifier=https://fhirmig.org/fhir/sid/patient|us-core-upload-1"
    )
    assert US_CORE + "us-core-patient" in patient["meta"]["profile"]
    requests = fhir_server.search(f"MedicationRequest?subject=Patient/{patient['id']}")
    # topiramate and erenumab: the two preventives, as patient-reported requests
    assert len(requests) == 2 and all(r["intent"] == "plan" for r in requests)
    assert all(US_CORE + "us-core-medicationrequest" in r["meta"]["profile"] for r in requests)
    procedures = fhir_server.search(f"Procedure?subject=Patient/{patient['id']}")
    assert procedures and all(
        "performedPeriod" in p or p["status"] == "unknown" for p in procedures
    )
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert again.stdout.splitlines()[0].startswith("created 0, updated 0, unchanged "), again.output

"""The patient check: one person's diary never lands on another person's record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.upload.identity import differences, normal_name

from .mockserver import MockFhir

BASE = "https://ehr.example/fhir"
SYSTEM = "https://fhirmig.org/fhir/sid/patient"


@pytest.fixture
def ehr(monkeypatch: pytest.MonkeyPatch) -> MockFhir:
    """The command's client talks to an in-memory server."""
    server = MockFhir(BASE)
    monkeypatch.setattr(
        "fhirmig.upload.client.DeadlineTransport", lambda verify: server.transport()
    )
    return server


def _person(family: str | None, birth: str | None, sex: str | None = None) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if family is not None:
        patient["name"] = [{"family": family}]
    if birth is not None:
        patient["birthDate"] = birth
    if sex is not None:
        patient["gender"] = sex
    return patient


def test_what_counts_as_a_difference() -> None:
    assert normal_name("  Müller-Lüdenscheidt  ") == "muller-ludenscheidt"
    assert normal_name("DA  SILVA") == normal_name("da Silva")
    same = _person("Silva", "1988-04-12", "female")
    assert differences(same, _person(" SÍLVA", "1988-04-12", "female")) == []
    assert differences(same, _person("Silva", "1988", None)) == []  # year-only, sex unknown
    assert differences(same, _person("Costa", "1988-04-13", "male")) == [
        "family name",
        "birth date",
        "sex",
    ]
    assert differences(_person("Silva", None), _person(None, "1970-01-01")) == [
        "family name and birth date (the server's record has neither)"
    ]


def _store_patient(ehr: MockFhir, patient_id: str, **fields: Any) -> None:
    ehr.stored["Patient/s900"] = {
        "resourceType": "Patient",
        "id": "s900",
        "meta": {"versionId": "1"},
        "identifier": [{"system": SYSTEM, "value": patient_id}],
        **fields,
    }


@pytest.mark.parametrize("extra", [[], ["--include-report"], ["--mode", "document"], ["--dry-run"]])
def test_mismatch_is_refused_before_anything_is_sent(
    ehr: MockFhir, examples: Path, extra: list[str]
) -> None:
    _store_patient(ehr, "p-0002", name=[{"family": "Someone-Else"}], birthDate="1950-01-01")
    result = CliRunner().invoke(
        cli, ["upload", str(examples / "chronic-overuse.json"), "--server", BASE, *extra]
    )
    assert result.exit_code == 1
    assert f"identifier {SYSTEM}|p-0002 whose family name, birth date" in result.output
    assert "--accept-patient-mismatch" in result.output
    assert "Someone-Else" not in result.output and "1950" not in result.output
    assert ehr.writes() == []


def test_accept_patient_mismatch_uploads_to_the_existing_record(
    ehr: MockFhir, examples: Path
) -> None:
    _store_patient(ehr, "p-0002", name=[{"family": "Typo"}])
    result = CliRunner().invoke(
        cli,
        [
            "upload",
            str(examples / "chronic-overuse.json"),
            *("--server", BASE, "--accept-patient-mismatch"),
        ],
    )
    assert result.exit_code == 0, result.output
    observations = [r for k, r in ehr.stored.items() if k.startswith("Observation/")]
    assert observations and all(o["subject"]["reference"] == "Patient/s900" for o in observations)
    # fhirmig's own patient record takes the corrected name
    assert ehr.stored["Patient/s900"]["name"][0]["family"] != "Typo"


def test_two_server_patients_with_the_identifier_are_refused(ehr: MockFhir, examples: Path) -> None:
    _store_patient(ehr, "p-0002", name=[{"family": "x"}])
    ehr.stored["Patient/s901"] = dict(ehr.stored["Patient/s900"], id="s901")
    result = CliRunner().invoke(
        cli, ["upload", str(examples / "chronic-overuse.json"), "--server", BASE]
    )
    assert result.exit_code == 1 and "holds 2 Patients with identifier" in result.output
    assert ehr.writes() == []


def test_a_diary_that_cannot_be_checked_is_refused(ehr: MockFhir, examples: Path) -> None:
    csv = Path("export.csv")
    csv.write_bytes((examples / "spreadsheet.csv").read_bytes())  # no sidecar beside it
    result = CliRunner().invoke(cli, ["upload", str(csv), "--server", BASE])
    assert result.exit_code == 1
    assert "has neither a family name nor a birth date" in result.output
    assert "add patient.name.family or patient.birthDate" in result.output
    assert "sidecar" in result.output
    assert ehr.writes() == []
    data = json.loads((examples / "chronic-overuse.json").read_text())
    assert data["patient"].get("name") or data["patient"].get("birthDate")


def test_removed_records_are_withdrawn_and_deleted_only_when_asked(examples: Path) -> None:
    """Without --delete-removed a removed attack is marked entered-in-error; with it, it is
    deleted, unless the server refuses DELETE or offers none: then it is withdrawn, saying so."""
    import httpx

    from fhirmig.diary import read_diary
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.diary import DiaryUpload, upload_diary

    from .mockserver import capability

    diary = read_diary(examples / "chronic-overuse.json")
    shorter = diary.model_copy(update={"attacks": diary.attacks[1:]})
    gone = diary.attacks[0].id

    def attack_records(server: MockFhir) -> list[dict[str, Any]]:
        return [
            r
            for k, r in server.stored.items()
            if k.startswith("Observation/") and f"/{gone}" in r["identifier"][0]["value"]
        ]

    for refuse, offers_delete, expected in (
        (False, True, "deleted"),
        (True, True, "retired"),
        (False, False, "retired"),
    ):
        server = MockFhir(BASE)
        if not offers_delete:
            server.capability = capability(interactions=("read", "create", "update", "search-type"))
        if refuse:
            server.hooks.append(
                lambda r: (
                    httpx.Response(405, json={"resourceType": "OperationOutcome"})
                    if r.method == "DELETE"
                    or (r.method == "POST" and b'"DELETE"' in (r.content or b""))
                    else None
                )
            )
        with FhirClient(BASE, transport=server.transport()) as client:
            assert upload_diary(diary, client, DiaryUpload()).exit_code == 0
            assert attack_records(server)
            plain = upload_diary(shorter, client, DiaryUpload())
            assert plain.counts()["retired"] > 0 and plain.counts()["deleted"] == 0
            assert all(r["status"] == "entered-in-error" for r in attack_records(server))
            server.stored = {
                k: r for k, r in server.stored.items() if r not in attack_records(server)
            }
            assert upload_diary(diary, client, DiaryUpload()).exit_code == 0  # back again
            summary = upload_diary(shorter, client, DiaryUpload(delete_removed=True))
        assert summary.exit_code == 0, summary.failure_lines()
        assert summary.counts()[expected] > 0
        if expected == "deleted":
            assert attack_records(server) == []
        else:
            assert attack_records(server)
            assert all(r["status"] == "entered-in-error" for r in attack_records(server))
            why = {r.why for r in summary.results if r.outcome == "retired"}
            word = "refused DELETE (HTTP 405)" if refuse else "does not offer delete"
            assert any(word in w for w in why), why

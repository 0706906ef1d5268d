"""``fhirmig upload`` on the command line (real server where one is needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.upload.plan import references

from .conftest import FhirServer

UNREACHABLE = "http://127.0.0.1:9/fhir"


def _counts(diary: Path) -> Counter[str]:
    """How many resources of each type fhirmig makes of this diary."""
    from fhirmig.fhir import diary_to_resources

    return Counter(r["resourceType"] for r in diary_to_resources(read_diary(diary)))


def _run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["upload", *args], env=env, catch_exceptions=False)


@pytest.mark.server
def test_dry_run_lists_changes_and_writes_nothing(fhir_server: FhirServer, examples: Path) -> None:
    diary = str(examples / "chronic-overuse.json")
    args = [diary, "--server", fhir_server.base_url, "--identifier-system", "urn:oid:2.999.3.1"]
    result = _run(*args, "--dry-run", "--batch-size", "100", "--receipt", "plan.json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "transaction 1 (1 change):",
        "  create: POST Patient if-none-exist identifier=urn:oid:2.999.3.1|p-0002",
        "transaction 2 (100 changes):",
    ]
    total = sum(_counts(examples / "chronic-overuse.json").values())
    shared = 1 if "  Device: unchanged 1" in lines else 0
    new = total - shared
    chunks = 1 + -(-(new - 1) // 100)  # the Patient alone, then by 100
    assert f"transaction {chunks} ({new - 1 - 100 * (chunks - 2)} changes):" in lines
    assert f"would create {new} ({new} changes in {chunks} transactions); unchanged {shared}" in (
        lines
    )
    observation = next(line for line in lines if "POST Observation" in line)
    assert "&subject=Patient/" in observation
    receipt = json.loads(Path("plan.json").read_text())
    assert receipt["dryRun"] is True
    assert receipt["counts"]["planned"] + receipt["counts"]["unchanged"] == total
    assert oct(Path("plan.json").stat().st_mode & 0o777) == "0o600"
    assert fhir_server.search("Patient?identifier=urn:oid:2.999.3.1|p-0002") == []

    # after an upload and an edit, the dry run lists the update and the withdrawal
    assert _run(*args).exit_code == 0
    edited = json.loads(Path(diary).read_text())
    gone = edited["attacks"].pop(1)
    edited["attacks"][0]["intensity"] = 1 if edited["attacks"][0]["intensity"] != 1 else 2
    Path("edited.json").write_text(json.dumps(edited))
    dry = _run("edited.json", *args[1:], "--dry-run")
    assert dry.exit_code == 0, dry.output
    out = dry.stdout.splitlines()
    assert any(line.startswith("  update: PUT Observation/") for line in out)
    withdrawn = [line for line in out if line.startswith("  mark entered-in-error: PUT ")]
    assert any(f"/{gone['id']}" in line and "no longer in the diary" in line for line in withdrawn)
    assert not any("create:" in line for line in out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token-file", "tok"], "--token-file goes with --auth bearer"),
        (["--auth", "smart-backend"], "needs --client-id and --private-key"),
        (["--client-id", "x"], "go with --auth smart-backend"),
        (["--dry-run", "--kid", "k1"], "go with --auth smart-backend"),
    ],
)
def test_options_that_do_not_fit_exit_2(examples: Path, args: list[str], message: str) -> None:
    Path("tok").write_text("abc")
    result = _run(str(examples / "chronic-overuse.json"), "--server", UNREACHABLE, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_server_must_be_a_url(examples: Path) -> None:
    result = _run(str(examples / "chronic-overuse.json"), "--server", "ehr.example")
    assert result.exit_code == 2 and "must be an http(s) URL" in result.output


@pytest.mark.parametrize(
    ("server", "extra", "message"),
    [
        ("https://alice:pw@ehr.example/fhir", [], "must not hold a user name or password"),
        ("https://alice@ehr.example/fhir", [], "must not hold a user name or password"),
        ("http://ehr.example/fhir", [], "refusing plain http to http://ehr.example"),
        ("http://10.1.2.3:8080/fhir", ["--dry-run"], "refusing plain http to http://10.1.2.3:8080"),
    ],
)
def test_unsafe_server_urls_are_refused_before_anything_is_sent(
    examples: Path, server: str, extra: list[str], message: str
) -> None:
    result = _run(str(examples / "chronic-overuse.json"), "--server", server, *extra)
    assert result.exit_code == 2
    assert message in result.output
    assert "pw" not in result.output.replace("pw@", "")  # the password is never printed
    assert ":pw" not in result.output


def test_insecure_http_is_allowed_when_asked(examples: Path) -> None:
    # allowed: it then fails only because nothing listens there
    result = _run(
        str(examples / "chronic-overuse.json"),
        "--server",
        "http://192.0.2.1:9/fhir",
        "--allow-insecure-http",
        "--timeout",
        "1",
        "--deadline",
        "2",
    )
    assert result.exit_code == 1
    assert "refusing plain http" not in result.output


def test_bearer_without_a_token_exits_3(examples: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FHIRMIG_TOKEN"}
    result = CliRunner().invoke(
        cli,
        [
            "upload",
            str(examples / "chronic-overuse.json"),
            "--server",
            UNREACHABLE,
            "--auth",
            "bearer",
        ],
        env={**env, "FHIRMIG_TOKEN": ""},
    )
    assert result.exit_code == 3
    assert "set FHIRMIG_TOKEN or give --token-file" in result.output


def test_importing_the_upload_library_stays_cheap() -> None:
    code = "import sys, fhirmig.upload, fhirmig.commands.upload; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.server
def test_upload_read_back_and_rerun(fhir_server: FhirServer, examples: Path) -> None:
    diary_path = examples / "episodic-twitching.json"
    expected = _counts(diary_path)
    env = {"FHIRMIG_TOKEN": "tok-never-shown"}
    args = [str(diary_path), "--server", fhir_server.base_url, "--batch-size", "250"]
    first = _run(*args, "--auth", "bearer", "--receipt", "receipt.json", env=env)
    assert first.exit_code == 0, first.output
    total = sum(expected.values())
    # everything new but the Device (fhirmig itself), which an earlier upload may have sent
    shared = 1 if "  Device: unchanged 1" in first.stdout.splitlines() else 0
    head = f"created {total - shared}, updated 0, " + (f"unchanged {shared}, " if shared else "")
    assert first.stdout.splitlines()[0] == head + "failed 0"
    assert "mode transaction: the server offers transaction Bundles" in first.stderr
    assert f"  Observation: created {expected['Observation']}" in first.stdout.splitlines()
    assert "tok-never-shown" not in first.output + Path("receipt.json").read_text()

    patients = fhir_server.search("Patient?identifier=https://fhirmig.org/fhir/sid/patient|p-0001")
    assert len(patients) == 1
    pid = patients[0]["id"]
    found: Counter[str] = Counter()
    for rtype in expected:
        if rtype in ("Patient", "Device", "Medication", "Provenance"):
            continue
        hits = fhir_server.search(f"{rtype}?subject=Patient/{pid}&_count=500")
        found[rtype] = len(hits)
        for hit in hits:
            assert hit["subject"]["reference"].endswith(f"Patient/{pid}")
    assert found == Counter({t: n for t, n in expected.items() if t in found})
    receipt = json.loads(Path("receipt.json").read_text())
    assert receipt["counts"]["created"] == total - shared
    assert receipt["mode"] == "transaction"
    provenance = next(r for r in receipt["resources"] if r["resource"].startswith("Provenance/"))
    stored = fhir_server.search(f"{provenance['resource']}".replace("/", "?_id="))
    server_ids = {
        r["location"].split("/_history")[0].split("/fhir/")[-1]
        for r in receipt["resources"]
        if "location" in r
    }
    assert all(t["reference"].split("/fhir/")[-1] in server_ids for t in stored[0]["target"])

    again = _run(*args)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[0] == f"created 0, updated 0, unchanged {total}, failed 0"


@pytest.mark.server
def test_refused_resource_shows_the_outcome_and_exits_1(
    fhir_server: FhirServer, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fhirmig.fhir

    real = fhirmig.fhir.diary_to_resources
    made: list[list[dict[str, Any]]] = []

    def with_a_bad_observation(diary: Any, **options: Any) -> list[dict[str, Any]]:
        resources = [dict(r) for r in real(diary, **options)]
        obs = next(r for r in resources if r["resourceType"] == "Observation")
        obs["status"] = None
        made.append(resources)
        return resources

    monkeypatch.setattr(fhirmig.fhir, "diary_to_resources", with_a_bad_observation)
    result = _run(
        str(examples / "chronic-overuse.json"),
        "--server",
        fhir_server.base_url,
        "--identifier-system",
        "urn:oid:2.999.7.7",
        "--receipt",
        "receipt.json",
    )
    assert result.exit_code == 1
    resources = made[0]
    bad = next(f"Observation/{r['id']}" for r in resources if r.get("status", "") is None)
    # what refers to the bad Observation, directly or through another, is held back
    refs = {f"{r['resourceType']}/{r['id']}": set(references(r)) for r in resources}
    held: set[str] = {bad}
    while True:
        more = {key for key, to in refs.items() if to & held} - held
        if not more:
            break
        held |= more
    held.discard(bad)
    assert held  # at least the Provenance, which names every record among its targets
    lines = result.output.splitlines()
    # the shared Device may already be on the server from another upload
    assert result.stdout.splitlines()[0].endswith(f", failed {1 + len(held)}")
    at = lines.index(f"failed {bad} (400)")
    assert lines[at + 1].startswith("  error [")
    assert "status" in lines[at + 1]
    receipt = json.loads(Path("receipt.json").read_text())
    skipped = {r["resource"] for r in receipt["resources"] if r["outcome"] == "skipped"}
    assert skipped == held
    counts = receipt["counts"]
    assert counts["created"] + counts["unchanged"] == len(resources) - 1 - len(held)
    assert len(fhir_server.search("Patient?identifier=urn:oid:2.999.7.7|p-0002")) == 1


@pytest.mark.server
def test_fhir_input_plans_the_same_requests_as_its_diary(
    fhir_server: FhirServer, examples: Path
) -> None:
    diary = str(examples / "chronic-overuse.json")
    converted = CliRunner().invoke(cli, ["convert", diary, "-o", "bundle.json"])
    assert converted.exit_code == 0, converted.output
    plans = []
    server = ["--server", fhir_server.base_url, "--identifier-system", "urn:oid:2.999.3.2"]
    for source in (diary, "bundle.json"):
        result = _run(source, *server, "--dry-run", "--receipt", "r.json")
        assert result.exit_code == 0, result.output
        plans.append(json.loads(Path("r.json").read_text())["resources"])
    assert len(plans[0]) == sum(_counts(examples / "chronic-overuse.json").values())
    assert plans[0] == plans[1]


@pytest.mark.server
def test_include_report_sends_the_pdf_as_a_document_reference(
    fhir_server: FhirServer, examples: Path
) -> None:
    import base64
    import hashlib

    args = [str(examples / "spreadsheet.csv"), "--server", fhir_server.base_url, "--include-report"]
    first = _run(*args, "--receipt", "receipt.json")
    assert first.exit_code == 0, first.output
    assert "  DocumentReference: created 1" in first.stdout.splitlines()
    receipt = json.loads(Path("receipt.json").read_text())
    doc = next(r for r in receipt["resources"] if r["resource"].startswith("DocumentReference/"))
    server_id = doc["location"].split("/_history")[0].rsplit("/", 2)[-1]
    stored = fhir_server.search(f"DocumentReference?_id={server_id}")[0]
    patient = next(r for r in receipt["resources"] if r["resource"].startswith("Patient/"))
    assert stored["subject"]["reference"].endswith(
        patient["location"].split("/_history")[0].split("/fhir/")[1]
    )
    attachment = stored["content"][0]["attachment"]
    pdf = base64.b64decode(attachment["data"])
    assert pdf.startswith(b"%PDF-") and attachment["contentType"] == "application/pdf"
    assert attachment["size"] == len(pdf)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert stored["context"]["period"]["start"] <= stored["context"]["period"]["end"]

    again = _run(*args)  # the report is dated by the diary: the same PDF again
    assert again.exit_code == 0
    assert "  DocumentReference: unchanged 1" in again.stdout.splitlines()


@pytest.mark.server
def test_smart_backend_sign_in_refused_exits_3(fhir_server: FhirServer, examples: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP384R1())
    Path("key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    result = _run(
        str(examples / "chronic-overuse.json"),
        "--server",
        fhir_server.base_url,
        "--auth",
        "smart-backend",
        "--client-id",
        "clinic-7",
        "--private-key",
        "key.pem",
        "--receipt",
        "receipt.json",
    )
    assert result.exit_code == 3
    # the server publishes its token endpoint, which does not know this client
    assert "/auth/token: sign-in refused (HTTP 401): invalid_client" in result.output
    assert "Unknown client_id 'clinic-7'" in result.output
    receipt = json.loads(Path("receipt.json").read_text())
    total = sum(_counts(examples / "chronic-overuse.json").values())
    assert receipt["counts"]["created"] == 0 and receipt["counts"]["failed"] == total

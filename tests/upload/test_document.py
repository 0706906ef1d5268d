"""Document-first upload (the PDF report as a DocumentReference) and ``--mode auto``."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.upload.client import FhirClient
from fhirmig.upload.diary import DiaryUpload, upload_diary
from fhirmig.upload.modes import choose_mode, parse_capabilities

from .conftest import FhirServer
from .mockserver import MockFhir, capability

SID = "https://fhirmig.org/fhir/sid/"


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["upload", *args], catch_exceptions=False)


def _diary(examples: Path, patient_id: str, drop_last: int = 0) -> Path:
    data = json.loads((examples / "episodic-twitching.json").read_text())
    data["patient"]["id"] = patient_id
    if drop_last:
        data["attacks"] = data["attacks"][:-drop_last]
    path = Path(f"{patient_id}.json")
    path.write_text(json.dumps(data))
    return path


def _documents(server: FhirServer, pid: str) -> list[dict[str, Any]]:
    return server.search(f"DocumentReference?patient=Patient/{pid}")


@pytest.mark.server
def test_document_mode_sends_the_report_once_and_replaces_it_when_it_changes(
    fhir_server: FhirServer, examples: Path
) -> None:
    path = _diary(examples, "doc-1", drop_last=2)
    args = [str(path), "--server", fhir_server.base_url, "--mode", "document"]
    first = _run(*args, "--receipt", "receipt.json")
    assert first.exit_code == 0, first.output
    patient = fhir_server.search(f"Patient?identifier={SID}patient|doc-1")[0]
    docs = _documents(fhir_server, patient["id"])
    assert len(docs) == 1
    doc = docs[0]
    attachment = doc["content"][0]["attachment"]
    pdf = base64.b64decode(attachment["data"])
    assert pdf.startswith(b"%PDF-") and attachment["size"] == len(pdf)
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdf).digest()
    assert doc["category"][0]["coding"][0]["code"] == "clinical-note"
    assert doc["author"][0]["reference"].endswith(f"Patient/{patient['id']}")
    assert doc["content"][0]["format"]["code"] == "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    assert doc["date"] and doc["status"] == "current"
    # nothing but the Patient and the document: no Observations of the diary
    assert fhir_server.search(f"Observation?patient=Patient/{patient['id']}") == []
    receipt = json.loads(Path("receipt.json").read_text())
    assert receipt["mode"] == "document"

    again = _run(*args)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "created 0, updated 0, unchanged 2, failed 0"
    assert len(_documents(fhir_server, patient["id"])) == 1

    grown = _diary(examples, "doc-1")  # the diary grew: a new report replaces the old one
    replaced = _run(str(grown), *args[1:], "--include-summaries")
    assert replaced.exit_code == 0, replaced.output
    docs = {d["id"]: d for d in _documents(fhir_server, patient["id"])}
    assert sorted(d["status"] for d in docs.values()) == ["current", "superseded"]
    new = next(d for d in docs.values() if d["status"] == "current")
    old = next(d for d in docs.values() if d["status"] == "superseded")
    assert new["relatesTo"] == [
        {"code": "replaces", "target": {"reference": f"DocumentReference/{old['id']}"}}
    ]
    summaries = fhir_server.search(f"Observation?patient=Patient/{patient['id']}")
    assert summaries and all(o["identifier"][0]["system"] == SID + "summary" for o in summaries)


def test_auto_mode_falls_back_to_batch_then_single_then_document(examples: Path) -> None:
    diary = read_diary(examples / "chronic-overuse.json")
    cases = [
        (("batch",), None, "batch", "no transaction Bundles, but batch Bundles"),
        ((), None, "single", "no Bundles; one request per change"),
        (
            ("transaction",),
            {"Observation": ("read", "search-type")},
            "document",
            "does not take the diary's resources (Observation create",
        ),
    ]
    for system, overrides, mode, reason in cases:
        server = MockFhir()
        server.capability = capability(system=system, overrides=overrides)
        said: list[str] = []
        with FhirClient(server.base, transport=server.transport()) as client:
            summary = upload_diary(diary, client, DiaryUpload(), notify=said.append)
        assert summary.exit_code == 0, summary.failure_lines()
        assert summary.mode == mode
        assert said[0].startswith(f"mode {mode}: ") and reason in said[0]
        bundles = [r for r in server.posts() if str(r.url).rstrip("/") == server.base]
        kinds = {json.loads(r.content)["type"] for r in bundles}
        assert kinds == ({mode} if mode in ("transaction", "batch") else set())
        types = {k.split("/")[0] for k in server.stored}
        if mode == "document":
            assert types == {"Patient", "DocumentReference"}
        else:
            assert "Observation" in types and "Provenance" in types


def test_a_server_offering_nothing_usable_is_refused_before_sending(examples: Path) -> None:
    server = MockFhir()
    server.capability = capability(system=(), interactions=("read", "search-type"))
    with FhirClient(server.base, transport=server.transport()) as client:
        with pytest.raises(Exception, match="offers none of the ways fhirmig uploads") as exc:
            upload_diary(read_diary(examples / "chronic-overuse.json"), client, DiaryUpload())
    assert "nothing was sent" in str(exc.value)
    assert server.writes() == [] and len(server.requests) == 1  # the CapabilityStatement


def test_choose_mode_reads_the_capability_statement() -> None:
    caps = parse_capabilities(capability())
    assert choose_mode(caps, {"Patient", "Observation"}, can_document=True).mode == "transaction"
    assert caps.no_delete() == frozenset()
    caps = parse_capabilities(capability(interactions=("create", "update", "search-type")))
    assert "Observation" in caps.no_delete()

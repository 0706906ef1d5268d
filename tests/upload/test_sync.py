"""Upload as a sync, proved on a real server (SEKMET): after edits, deletions, additions and
a crash, the server holds exactly what ``fhirmig convert`` gives for the latest diary."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.fhir import diary_to_resources
from fhirmig.upload import upload_resources
from fhirmig.upload.client import FhirClient
from fhirmig.upload.retry import RetryPolicy

from .conftest import FhirServer

pytestmark = pytest.mark.server
SID = "https://fhirmig.org/fhir/sid/"
PATIENT_SYSTEM = SID + "patient"
TYPES = ("Condition", "Observation", "MedicationStatement", "Procedure", "DocumentReference")


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["upload", *args], catch_exceptions=False)


def _write(data: dict[str, Any], name: str) -> Path:
    path = Path(name)
    path.write_text(json.dumps(data))
    return path


def _diary(examples: Path, patient_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((examples / "episodic-twitching.json").read_text())
    data["patient"]["id"] = patient_id
    return data


def _shift(value: str, days: int) -> str:
    return (datetime.fromisoformat(value) + timedelta(days=days)).isoformat(timespec="minutes")


def _edit(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Change an intensity, delete an attack, add two (one after the diary's end, so the
    period grows): what a patient does between two uploads. Returns the deleted id."""
    out = copy.deepcopy(data)
    attacks = out["attacks"]
    attacks[0]["intensity"] = 3 if attacks[0]["intensity"] != 3 else 5
    gone = attacks.pop(1)["id"]
    for n, days in enumerate((1, 40)):
        new = copy.deepcopy(attacks[-1])
        new["id"] = f"added-{n}"
        for key in ("start", "end"):
            if new.get(key):
                new[key] = _shift(new[key], days)
        for item in new.get("medications") or []:
            if item.get("taken"):
                item["taken"] = _shift(item["taken"], days)
        for item in new.get("twitching") or []:
            if item.get("start"):
                item["start"] = _shift(item["start"], days)
        attacks.append(new)
    return out, gone


def _patient(server: FhirServer, patient_id: str) -> dict[str, Any]:
    found = server.search(f"Patient?identifier={PATIENT_SYSTEM}|{patient_id}")
    assert len(found) == 1, f"{len(found)} patients {patient_id}"
    return found[0]


def _everything(server: FhirServer, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """Every resource of the patient on the server, and the Medications and Provenance."""
    pref = f"Patient/{patient['id']}"
    out = [patient]
    for rtype in TYPES:
        out += server.search(f"{rtype}?patient={pref}&_count=1000")
    meds = {
        r["medicationReference"]["reference"]
        for r in out
        if r["resourceType"] == "MedicationStatement" and "medicationReference" in r
    }
    for ref in sorted(meds):
        out += server.search(f"Medication?_id={ref.split('/')[1]}")
    provenance = {p["id"]: p for p in server.search(f"Provenance?agent={pref}&_count=1000")}
    return out + list(provenance.values())


def _expected(diary: Path) -> list[dict[str, Any]]:
    """What ``fhirmig convert`` gives for the diary (NDJSON keeps Type/id references)."""
    result = CliRunner().invoke(cli, ["convert", str(diary), "--format", "ndjson", "-o", "nd"])
    assert result.exit_code == 0, result.output
    out = []
    for file in sorted(Path("nd").glob("*.ndjson")):
        out += [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    return [r for r in out if r["resourceType"] != "Device"]


def _key(resource: dict[str, Any]) -> tuple[str, str]:
    idents = resource.get("identifier") or []
    if idents:
        return resource["resourceType"], f"{idents[0]['system']}|{idents[0]['value']}"
    return resource["resourceType"], resource["id"]


def _withdrawn(resource: dict[str, Any]) -> bool:
    if resource["resourceType"] == "Condition":
        codes = [c["code"] for c in resource.get("verificationStatus", {}).get("coding", [])]
        return "entered-in-error" in codes
    return resource.get("status") == "entered-in-error"


def _compare(server: FhirServer, patient_id: str, diary: Path) -> list[dict[str, Any]]:
    """Field by field: the server's live resources are exactly ``convert``'s output.

    Returns the server's withdrawn (entered-in-error) resources."""
    expected = {_key(r): r for r in _expected(diary)}
    stored = _everything(server, _patient(server, patient_id))
    live = [r for r in stored if not _withdrawn(r)]
    withdrawn = [r for r in stored if _withdrawn(r)]
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in live:
        key = (r["resourceType"], r["id"]) if r["resourceType"] == "Provenance" else _key(r)
        by_key.setdefault(key, []).append(r)
    assert {k: len(v) for k, v in by_key.items() if len(v) > 1} == {}  # no duplicates
    assert sorted(by_key) == sorted(expected)  # none missing, none extra
    ours = {f"{v[0]['resourceType']}/{v[0]['id']}": f"{k[0]}/{expected[k]['id']}"
            for k, v in by_key.items()}  # fmt: skip
    device = {f"Device/{r['id']}" for r in _expected_devices(diary)}

    def back(value: Any) -> Any:
        if isinstance(value, dict):
            out = {k: back(v) for k, v in value.items()}
            ref = value.get("reference")
            if isinstance(ref, str):
                ref = ref.split("/_history")[0]
                out["reference"] = ours.get(ref, ref)
            return out
        if isinstance(value, list):
            return [back(v) for v in value]
        return value

    for key, mine in expected.items():
        theirs = back({k: v for k, v in by_key[key][0].items() if k not in ("id", "meta")})
        want = {k: v for k, v in mine.items() if k not in ("id", "meta")}
        if key[0] == "Provenance":  # the Device is shared; its server id is not ours
            for agent in theirs["agent"]:
                if agent["who"]["reference"].startswith("Device/"):
                    agent["who"]["reference"] = next(iter(device))
        assert theirs == want, f"{key} differs from convert's output"
    return withdrawn


def _expected_devices(diary: Path) -> Iterator[dict[str, Any]]:
    return (r for r in diary_to_resources(read_diary(diary)) if r["resourceType"] == "Device")


def test_edit_delete_add_then_upload_leaves_exactly_the_latest_diary(
    fhir_server: FhirServer, examples: Path
) -> None:
    first = _diary(examples, "sync-1")
    path = _write(first, "diary.json")
    result = _run(str(path), "--server", fhir_server.base_url)
    assert result.exit_code == 0, result.output
    assert _compare(fhir_server, "sync-1", path) == []
    summaries = [
        r
        for r in fhir_server.search("Observation?_count=1000")
        if r["identifier"][0]["system"] == SID + "summary"
        and r["identifier"][0]["value"].startswith("sync-1/")
    ]

    edited, gone = _edit(first)
    _write(edited, "diary.json")
    again = _run(str(path), "--server", fhir_server.base_url, "--receipt", "receipt.json")
    assert again.exit_code == 0, again.output
    head = again.stdout.splitlines()[0]
    assert head.startswith("created ") and "marked entered-in-error" in head
    withdrawn = _compare(fhir_server, "sync-1", path)
    # the deleted attack's records are withdrawn, not erased; nothing else is
    values = {r["identifier"][0]["value"] for r in withdrawn}
    assert values and all(f"/{gone}" in v for v in values)
    assert {r["identifier"][0]["system"] for r in withdrawn} >= {SID + "attack"}
    # one set of summaries: the same records, updated (the period grew)
    now = [
        r
        for r in fhir_server.search("Observation?_count=1000")
        if r["identifier"][0]["system"] == SID + "summary"
        and r["identifier"][0]["value"].startswith("sync-1/")
    ]
    assert sorted(r["id"] for r in now) == sorted(r["id"] for r in summaries)
    assert {r["effectivePeriod"]["end"] for r in now} != {
        r["effectivePeriod"]["end"] for r in summaries
    }
    receipt = json.loads(Path("receipt.json").read_text())
    retired = [r for r in receipt["resources"] if r["outcome"] == "retired"]
    assert retired and all(r["why"] == "no longer in the diary" for r in retired)

    unchanged = _run(str(path), "--server", fhir_server.base_url)
    assert unchanged.exit_code == 0
    assert unchanged.stdout.splitlines()[0].startswith("created 0, updated 0, unchanged ")


def test_server_killed_mid_sync_then_rerun_reaches_the_latest_diary(
    fhir_server_factory: Any, examples: Path
) -> None:
    server: FhirServer = fhir_server_factory()
    first = _diary(examples, "sync-crash")
    path = _write(first, "diary.json")
    assert _run(str(path), "--server", server.base_url).exit_code == 0
    edited, _ = _edit(first)
    _write(edited, "diary.json")

    def crash(done: int, total: int) -> None:
        server.kill()

    policy = RetryPolicy(attempts=2, sleep=lambda s: None, rng=random.Random(1))
    with FhirClient(server.base_url, retry=policy) as client:
        broken = upload_resources(
            diary_to_resources(read_diary(path)),
            server.base_url,
            batch_size=3,
            client=client,
            progress=crash,
        )
    assert broken.exit_code == 1 and broken.stopped is not None
    c = broken.counts()
    assert c["failed"] > 0  # stopped part way: changes left unsent...
    assert c["created"] + c["updated"] + c["retired"] > 0  # ...after some went through

    server.start()
    rerun = _run(str(path), "--server", server.base_url, "--batch-size", "3")
    assert rerun.exit_code == 0, rerun.output
    _compare(server, "sync-crash", path)


def test_second_person_with_the_same_patient_id_is_refused(
    fhir_server: FhirServer, examples: Path
) -> None:
    first = _diary(examples, "export")
    path = _write(first, "diary.json")
    assert _run(str(path), "--server", fhir_server.base_url).exit_code == 0
    before = httpx.get(f"{fhir_server.base_url}/Observation?_summary=count").json()["total"]
    patients = httpx.get(f"{fhir_server.base_url}/Patient?_summary=count").json()["total"]

    other = _diary(examples, "export")
    other["patient"]["name"] = {"given": ["Rui"], "family": "Costa"}
    other["patient"]["birthDate"] = "1971-02-03"
    other["attacks"] = other["attacks"][:3]
    result = _run(str(_write(other, "other.json")), "--server", fhir_server.base_url)

    assert result.exit_code == 1
    message = result.output
    assert f"identifier {PATIENT_SYSTEM}|export" in message
    assert "family name, birth date" in message and "--accept-patient-mismatch" in message
    for theirs in ("Silva", "1988-04-12", "silva"):  # the first person's values stay unsaid
        assert theirs not in message
    assert httpx.get(f"{fhir_server.base_url}/Observation?_summary=count").json()["total"] == before
    assert httpx.get(f"{fhir_server.base_url}/Patient?_summary=count").json()["total"] == patients
    # the same person, written differently, is the same person
    same = _diary(examples, "export")
    same["patient"]["name"]["family"] = "  SÍLVA "
    checked = _run(str(_write(same, "same.json")), "--server", fhir_server.base_url, "--dry-run")
    assert checked.exit_code == 0, checked.output


def test_delete_removed_deletes_instead_of_withdrawing(
    fhir_server: FhirServer, examples: Path
) -> None:
    first = _diary(examples, "sync-delete")
    path = _write(first, "diary.json")
    assert _run(str(path), "--server", fhir_server.base_url).exit_code == 0
    edited, gone = _edit(first)
    _write(edited, "diary.json")
    result = _run(str(path), "--server", fhir_server.base_url, "--delete-removed")
    assert result.exit_code == 0, result.output
    assert "deleted " in result.stdout.splitlines()[0]
    assert _compare(fhir_server, "sync-delete", path) == []  # nothing withdrawn: gone
    hits = [
        r
        for r in fhir_server.search("Observation?_count=1000")
        if r["identifier"][0]["value"].startswith(f"sync-delete/{gone}")
    ]
    assert hits == []

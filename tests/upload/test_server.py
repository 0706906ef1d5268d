"""Uploads against a real FHIR server (SEKMET on loopback, started by the fixture)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

import httpx
import pytest

from fhirmig.upload import upload_resources
from fhirmig.upload.client import FhirClient
from fhirmig.upload.retry import RetryPolicy

from .conftest import MRN_SYSTEM, OBS_SYSTEM, FhirServer, make_resources

pytestmark = pytest.mark.server


def _no_wait(attempts: int = 3) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, sleep=lambda s: None, rng=random.Random(1))


def _patient_id(server: FhirServer, mrn: str) -> str:
    found = server.search(f"Patient?identifier={MRN_SYSTEM}|{mrn}")
    assert len(found) == 1, f"{len(found)} patients with MRN {mrn}"
    return str(found[0]["id"])


def _stored(server: FhirServer, mrn: str) -> dict[str, list[dict[str, Any]]]:
    pid = _patient_id(server, mrn)
    obs = server.search(f"Observation?patient=Patient/{pid}&_count=100")
    return {
        "Patient": server.search(f"Patient?identifier={MRN_SYSTEM}|{mrn}"),
        "Condition": server.search(f"Condition?patient={pid}"),
        "Observation": obs,
        "Provenance": server.search(f"Provenance?target=Observation/{obs[0]['id']}") if obs else [],
    }


def test_full_upload_is_read_back_with_server_ids(fhir_server: FhirServer) -> None:
    resources = make_resources("FULL-1", observations=7)
    summary = upload_resources(resources, fhir_server.base_url, batch_size=3)

    assert summary.ok and summary.exit_code == 0
    assert summary.counts()["created"] == 10
    assert summary.chunks == 4
    assert summary.by_type() == {
        "Condition": {"created": 1},
        "Observation": {"created": 7},
        "Patient": {"created": 1},
        "Provenance": {"created": 1},
    }
    assert summary.results[0].key == "Patient/pat-FULL-1"

    stored = _stored(fhir_server, "FULL-1")
    pid = stored["Patient"][0]["id"]
    cid = stored["Condition"][0]["id"]
    assert len(stored["Condition"]) == 1 and len(stored["Observation"]) == 7
    for obs in stored["Observation"]:
        assert obs["subject"]["reference"].endswith(f"Patient/{pid}")
        assert obs["focus"][0]["reference"].endswith(f"Condition/{cid}")
        assert summary.result(f"Observation/obs-FULL-1-{obs['valueInteger']}").server_id == (
            f"Observation/{obs['id']}"
        )
    provenance = {p["id"]: p for p in stored["Provenance"]}
    assert list(provenance) == ["prov-FULL-1"]
    targets = sorted(t["reference"].rsplit("/", 1)[-1] for t in provenance["prov-FULL-1"]["target"])
    assert targets == sorted(o["id"] for o in stored["Observation"])


def test_reupload_creates_nothing(fhir_server: FhirServer) -> None:
    resources = make_resources("AGAIN-1", observations=5)
    first = upload_resources(resources, fhir_server.base_url, batch_size=4)
    second = upload_resources(resources, fhir_server.base_url, batch_size=2)

    assert first.counts()["created"] == 8
    assert second.counts()["created"] == 0
    assert second.counts()["unchanged"] == 8 and second.exit_code == 0
    assert second.chunks == 0  # searches only: no Bundle was sent
    assert sorted(r.server or "" for r in second.results) == sorted(
        r.server_id or "" for r in first.results
    )
    stored = _stored(fhir_server, "AGAIN-1")
    assert {t: len(v) for t, v in stored.items()} == {
        "Patient": 1,
        "Condition": 1,
        "Observation": 5,
        "Provenance": 1,
    }


def test_server_killed_mid_upload_then_rerun_stores_each_once(
    fhir_server_factory: Any,
) -> None:
    server: FhirServer = fhir_server_factory()
    resources = make_resources("CRASH-1", observations=12)

    def crash_after_two_chunks(done: int, total: int) -> None:
        if done >= 4:
            server.kill()

    with FhirClient(server.base_url, retry=_no_wait()) as client:
        broken = upload_resources(
            resources, server.base_url, batch_size=2, client=client, progress=crash_after_two_chunks
        )
    assert broken.exit_code == 1
    assert broken.stopped is not None and "no answer" in broken.stopped
    assert broken.counts()["created"] == 5  # the Patient, then two chunks of 2
    assert broken.counts()["failed"] == 10
    assert any("run the same command again" in line for line in broken.failure_lines())

    server.start()
    finished = upload_resources(resources, server.base_url, batch_size=2)
    assert finished.exit_code == 0
    # what was stored before the crash is read back from the server, the rest is created
    assert finished.counts()["unchanged"] == 5 and finished.counts()["created"] == 10

    stored = _stored(server, "CRASH-1")
    idents = Counter(
        i["value"]
        for o in stored["Observation"]
        for i in o["identifier"]
        if i["system"] == OBS_SYSTEM
    )
    assert sorted(idents) == sorted(f"CRASH-1-{i}" for i in range(12))
    assert set(idents.values()) == {1}
    assert len(stored["Condition"]) == 1
    assert len(server.search("Provenance?_id=prov-CRASH-1")) == 1


class _LoseAnswers(httpx.BaseTransport):
    """Forward to the real server, but drop the answer of some transactions after they ran."""

    def __init__(self, lose: set[int]) -> None:
        self.inner = httpx.HTTPTransport()
        self.lose = lose
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST":
            self.posts += 1
            if self.posts in self.lose:
                response.read()
                response.close()
                raise httpx.ReadError("connection reset by peer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_answer_lost_after_commit_is_retried_without_duplicates(fhir_server: FhirServer) -> None:
    resources = make_resources("LOST-1", observations=6)
    transport = _LoseAnswers(lose={1, 3})
    with FhirClient(fhir_server.base_url, retry=_no_wait(), transport=transport) as client:
        summary = upload_resources(resources, fhir_server.base_url, batch_size=3, client=client)

    assert summary.exit_code == 0
    assert transport.posts == 6  # 4 chunks (the Patient alone first), two of them sent twice
    assert summary.counts()["failed"] == 0
    stored = _stored(fhir_server, "LOST-1")
    assert len(stored["Patient"]) == 1 and len(stored["Condition"]) == 1
    assert len(stored["Observation"]) == 6


def test_invalid_resource_is_refused_with_its_outcome(fhir_server: FhirServer) -> None:
    resources = make_resources("BAD-1", observations=6)
    bad = next(r for r in resources if r["id"] == "obs-BAD-1-3")
    bad["valueQuantity"] = {"value": "seven", "unit": "{score}"}
    del bad["valueInteger"]
    summary = upload_resources(resources, fhir_server.base_url, batch_size=50)

    assert summary.exit_code == 1
    failed = summary.result("Observation/obs-BAD-1-3")
    assert failed.outcome == "failed" and failed.status == "400"
    assert failed.issues and failed.issues[0].startswith("error")
    assert any("value" in line for line in failed.issues)
    # the Provenance names the bad Observation among its targets, so it is held back
    assert summary.result("Provenance/prov-BAD-1").outcome == "skipped"
    assert {k: n for k, n in summary.counts().items() if n} == {
        "created": 7,
        "failed": 1,
        "skipped": 1,
    }
    lines = summary.failure_lines()
    assert lines[0] == "failed Observation/obs-BAD-1-3 (400)"
    assert lines[1] == f"  {failed.issues[0]}"
    stored = _stored(fhir_server, "BAD-1")
    assert len(stored["Observation"]) == 5 and stored["Provenance"] == []


def test_identifiers_with_search_syntax_characters_are_matched(fhir_server: FhirServer) -> None:
    mrn = r"odd|mrn,1$x\y #2 ?&=+%"
    resources = make_resources(mrn, observations=2)
    first = upload_resources(resources, fhir_server.base_url)
    second = upload_resources(resources, fhir_server.base_url)
    assert first.counts()["created"] == 5
    assert second.counts()["unchanged"] == 5 and second.counts()["created"] == 0
    patients = [
        p
        for p in fhir_server.search("Patient?_count=500")
        if p.get("identifier", [{}])[0].get("value") == mrn
    ]
    assert len(patients) == 1


class _KillDuring(httpx.BaseTransport):
    """Forward to the real server; SIGKILL it shortly after the n-th transaction went out."""

    def __init__(self, server: FhirServer, nth: int, delay: float) -> None:
        self.inner = httpx.HTTPTransport()
        self.server, self.nth, self.delay = server, nth, delay
        self.posts = 0
        self.timer = threading.Timer(delay, server.kill)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.posts += 1
            if self.posts == self.nth:
                self.timer.start()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_server_killed_during_a_transaction_then_rerun_stores_each_once(
    fhir_server_factory: Any,
) -> None:
    server: FhirServer = fhir_server_factory()
    resources = make_resources("MID-1", observations=240)
    transport = _KillDuring(server, nth=3, delay=0.02)
    with FhirClient(server.base_url, retry=_no_wait(), transport=transport) as client:
        broken = upload_resources(resources, server.base_url, batch_size=80, client=client)
    assert broken.stopped is not None and broken.exit_code == 1
    # the Patient and the first 80 went through; the next transaction died with the server,
    # before or after its commit (its answer is lost either way), or in a rare fast run the
    # one after it did
    assert broken.counts()["created"] in (81, 161)
    transport.timer.join()

    server.start()
    finished = upload_resources(resources, server.base_url, batch_size=80)
    assert finished.exit_code == 0
    c = finished.counts()
    assert c["created"] + c["unchanged"] + c["present"] == 243
    stored = _stored(server, "MID-1")
    values = Counter(
        i["value"]
        for o in stored["Observation"]
        for i in o["identifier"]
        if i["system"] == OBS_SYSTEM
    )
    assert len(values) == 240 and set(values.values()) == {1}
    assert len(stored["Condition"]) == 1 and len(stored["Patient"]) == 1


def test_records_of_another_patient_are_never_taken_for_this_ones(
    fhir_server: FhirServer,
) -> None:
    first = make_resources("SAME-1", observations=3)
    second = make_resources("SAME-1", observations=3)  # same record identifiers...
    patient = next(r for r in second if r["resourceType"] == "Patient")
    patient["identifier"] = [{"system": "urn:oid:2.999.9.9", "value": "SAME-1"}]  # ...other patient
    assert upload_resources(first, fhir_server.base_url).counts()["created"] == 6
    summary = upload_resources(second, fhir_server.base_url)

    # identifiers alone would match the first patient's records; narrowed to the subject,
    # the second patient gets records of their own
    assert summary.by_type()["Observation"] == {"created": 3}
    assert summary.by_type()["Condition"] == {"created": 1}
    other = fhir_server.search("Patient?identifier=urn:oid:2.999.9.9|SAME-1")[0]["id"]
    observations = fhir_server.search(f"Observation?subject=Patient/{other}")
    assert len(observations) == 3
    again = upload_resources(second, fhir_server.base_url)
    assert again.counts()["created"] == 0

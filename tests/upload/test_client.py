"""Retries, Retry-After, redirects and bearer tokens, against an in-memory server."""

from __future__ import annotations

import json
import random
import re
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from fhirmig.errors import AuthError, FatalServerError, UsageError
from fhirmig.upload import upload_resources
from fhirmig.upload.auth import BearerAuth, NoAuth, read_token
from fhirmig.upload.client import FhirClient
from fhirmig.upload.retry import RetryPolicy, parse_retry_after

from .conftest import make_resources
from .mockserver import MockFhir

BASE = "https://ehr.example/fhir"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(server: MockFhir, sleeps: Sleeps, auth: object = None, attempts: int = 5) -> FhirClient:
    policy = RetryPolicy(attempts=attempts, sleep=sleeps, rng=random.Random(7))
    return FhirClient(BASE, auth, retry=policy, transport=server.transport())  # type: ignore[arg-type]


def _fail_first(statuses: list[tuple[int, dict[str, str]]]) -> object:
    queue = list(statuses)

    def hook(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and queue:
            status, headers = queue.pop(0)
            return httpx.Response(status, headers=headers, text="busy")
        return None

    return hook


def test_429_and_503_honour_retry_after() -> None:
    server, sleeps = MockFhir(), Sleeps()
    later = format_datetime(datetime.fromtimestamp(time.time() + 90, UTC), usegmt=True)
    server.hooks.append(
        _fail_first([(429, {"Retry-After": "7"}), (503, {"Retry-After": later}), (502, {})])  # type: ignore[arg-type]
    )
    notices: list[str] = []
    with _client(server, sleeps) as client:
        client.notify = notices.append
        summary = upload_resources(make_resources("R-1", 2), BASE, client=client)
    assert summary.exit_code == 0 and summary.counts()["created"] == 5
    assert len(server.posts()) == 5  # the Patient (3 refusals, then taken), then the rest
    assert sleeps[0] == 7.0
    assert 85.0 <= sleeps[1] <= 90.0  # an HTTP-date, within --max-wait
    assert 0.0 <= sleeps[2] <= 1.0  # third failure without Retry-After: jittered backoff
    # waits over 5 s are shown; the short backoff is not
    assert notices[0] == "server busy (HTTP 429): waiting 7 s before trying again"
    assert re.fullmatch(
        r"server busy \(HTTP 503\): waiting (8\d|90) s before trying again", notices[1]
    )
    assert len(notices) == 2


def test_retry_after_beyond_max_wait_ends_the_chunk_as_server_busy() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(_fail_first([(503, {"Retry-After": "100000"})]))  # type: ignore[arg-type]
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-B", 2), BASE, client=client)
    assert sleeps == []  # no 25-minute wait
    assert summary.exit_code == 1
    assert summary.stopped is not None and summary.stopped.startswith("server busy:")
    assert "asks to wait 100000 s (more than max_wait 120 s)" in summary.stopped
    assert summary.counts()["failed"] == 5 and len(server.posts()) == 1


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0, rng=random.Random(3))
    ceilings = [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    for failures, ceiling in enumerate(ceilings, start=1):
        delays = [policy.delay(failures) for _ in range(200)]
        assert max(delays) <= ceiling
        assert max(delays) > ceiling * 0.8


def test_retry_after_parsing() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("Thu, 01 Jan 2099 00:00:10 GMT", now=lambda: 4070908800.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_server_that_stays_busy_stops_the_upload() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(lambda r: httpx.Response(503) if r.method == "POST" else None)
    with _client(server, sleeps, attempts=3) as client:
        summary = upload_resources(make_resources("R-2", 3), BASE, client=client, batch_size=2)
    assert summary.exit_code == 1
    assert summary.counts()["failed"] == 6
    assert len(server.posts()) == 3 and len(sleeps) == 2
    assert summary.stopped is not None and "HTTP 503" in summary.stopped


def test_connection_errors_are_retried() -> None:
    server, sleeps = MockFhir(), Sleeps()
    drops = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")]

    def drop(request: httpx.Request) -> httpx.Response | None:
        if drops:
            raise drops.pop(0)
        return None

    server.hooks.append(drop)
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-3", 1), BASE, client=client)
    assert summary.exit_code == 0 and len(sleeps) == 2


def test_fatal_status_is_not_retried() -> None:
    server, sleeps = MockFhir(), Sleeps()
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "not-supported", "diagnostics": "no transactions"}],
    }
    server.hooks.append(lambda r: httpx.Response(501, json=outcome) if r.method == "POST" else None)
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-4", 1), BASE, client=client)
    assert len(server.posts()) == 1 and sleeps == []
    assert summary.exit_code == 1
    assert summary.results[0].issues == ["error: no transactions"]


def test_same_origin_redirects_are_followed_with_the_token() -> None:
    server, sleeps = MockFhir(), Sleeps()
    seen: dict[str, str | None] = {}

    def redirect(request: httpx.Request) -> httpx.Response | None:
        seen[str(request.url)] = request.headers.get("Authorization")
        if request.url.path == "/fhir/Patient":
            return httpx.Response(307, headers={"Location": "/fhir/Patient2"})
        if request.url.path == "/fhir/Patient2":
            return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset"})
        return None

    server.hooks.append(redirect)
    with _client(server, sleeps, auth=BearerAuth("s3cret-token")) as client:
        assert client.search("Patient", {"identifier": "x"}) == []
    assert seen["https://ehr.example/fhir/Patient?identifier=x"] == "Bearer s3cret-token"
    assert seen["https://ehr.example/fhir/Patient2"] == "Bearer s3cret-token"


@pytest.mark.parametrize(
    ("location", "where"),
    [
        ("https://cdn.example/fhir", "https://cdn.example"),
        ("http://ehr.example/fhir", "http://ehr.example"),  # https down to http
        ("https://ehr.example:8443/fhir", "https://ehr.example:8443"),
    ],
)
def test_redirect_to_another_origin_gets_nothing(location: str, where: str) -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(
        lambda r: (
            httpx.Response(308, headers={"Location": location})
            if r.url.host == "ehr.example" and r.url.port in (None, 443)
            else None
        )
    )
    with _client(server, sleeps, auth=BearerAuth("s3cret-token")) as client:
        with pytest.raises(
            FatalServerError, match="redirects \\(HTTP 308\\) to another place"
        ) as exc:
            client.request("POST", "", json={"resourceType": "Bundle", "name": "Alice"})
    assert where in str(exc.value)
    assert [str(r.url) for r in server.requests] == [BASE]  # nothing went to the other place


def test_post_redirect_that_would_drop_the_body_is_refused() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(lambda r: httpx.Response(302, headers={"Location": "/elsewhere"}))
    with _client(server, sleeps) as client, pytest.raises(FatalServerError, match="HTTP 302"):
        client.request("POST", "", json={"resourceType": "Bundle"})


def test_refused_bearer_token_is_an_auth_failure_without_the_token() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(lambda r: httpx.Response(401))
    with _client(server, sleeps, auth=BearerAuth("s3cret-token")) as client:
        summary = upload_resources(make_resources("R-5", 1), BASE, client=client)
    assert summary.exit_code == 3 and summary.auth_failed
    assert "HTTP 401" in (summary.stopped or "")
    assert "s3cret" not in repr(summary.to_json()) + "\n".join(summary.failure_lines())
    assert len(server.requests) == 1 and server.writes() == []  # the patient search


def test_credentials_are_never_sent_over_plain_http() -> None:
    server = MockFhir("http://ehr.example/fhir")
    with pytest.raises(UsageError, match=r"refusing plain http to http://ehr\.example"):
        FhirClient("http://ehr.example/fhir", transport=server.transport())
    client = FhirClient(
        "http://ehr.example/fhir",
        BearerAuth("tok"),
        transport=server.transport(),
        allow_insecure_http=True,
    )
    with client, pytest.raises(AuthError, match="refusing to send credentials over http"):
        client.request("GET", "metadata")
    assert server.requests == []
    with FhirClient("http://127.0.0.1:8080/fhir", NoAuth(), transport=server.transport()) as open_:
        assert open_.request("GET", "metadata").status_code == 404


def test_token_comes_from_file_or_environment(tmp_path: object) -> None:
    from pathlib import Path

    token_file = Path("token")
    token_file.write_text("  abc.def \n")
    assert read_token(token_file, {}) == "abc.def"
    assert read_token(None, {"FHIRMIG_TOKEN": "env-tok"}) == "env-tok"
    with pytest.raises(AuthError, match="set FHIRMIG_TOKEN or give token_file"):
        read_token(None, {})
    Path("empty").write_text("\n")
    with pytest.raises(AuthError, match="empty"):
        read_token(Path("empty"), {})
    assert "abc" not in repr(BearerAuth("abc.def"))


def test_refusal_without_an_outcome_is_not_split_per_resource() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(
        lambda r: (
            httpx.Response(400, text="<html>bad gateway config</html>")
            if r.method == "POST"
            else None
        )
    )
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-6", 6), BASE, client=client, batch_size=5)
    # the Patient is refused; everything else refers to it and is held back
    assert len(server.posts()) == 1
    assert summary.counts()["failed"] == 1 and summary.counts()["skipped"] == 8


def test_content_refusal_is_halved_down_to_the_bad_resource() -> None:
    server, sleeps = MockFhir(), Sleeps()
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid"}],
    }

    def refuse_bad(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and b'"valueInteger":3' in request.content:
            return httpx.Response(422, json=outcome)
        return None

    server.hooks.append(refuse_bad)
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-7", 8, provenance=False), BASE, client=client)
    assert [r.key for r in summary.failed] == ["Observation/obs-R-7-3"]
    assert summary.counts()["created"] == 9
    # the Patient, then 9: 9 -> 4 + 5 -> 5 -> 2 + 3 -> 2 -> 1 + 1: 8 transactions in all
    assert len(server.posts()) == 8


def _strip_locations(server: MockFhir, keep_resource_id: bool) -> object:
    """Answer transactions without ``location`` (optionally with the stored resource's id)."""

    def hook(request: httpx.Request) -> httpx.Response | None:
        if request.method != "POST":
            return None
        answer = server._transaction(json.loads(request.content))
        body = answer.json()
        for entry in body["entry"]:
            key = entry["response"].pop("location").split("/_history")[0]
            if keep_resource_id:
                entry["resource"] = {"resourceType": key.split("/")[0], "id": key.split("/")[1]}
        return httpx.Response(200, json=body)

    return hook


@pytest.mark.parametrize("keep_resource_id", [True, False])
def test_answers_without_a_location(keep_resource_id: bool) -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(_strip_locations(server, keep_resource_id))  # type: ignore[arg-type]
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("L-1", 2), BASE, client=client, batch_size=1)
    if keep_resource_id:  # the id of the returned resource is enough
        assert summary.exit_code == 0
        subject = server.stored["Observation/s3"]["subject"]["reference"]
        assert subject == "Patient/s1"
    else:  # the Patient is stored, but nothing may refer to an unknown id
        assert summary.result("Patient/pat-L-1").outcome == "created"
        assert summary.result("Condition/cond-L-1").issues == [
            "refers to Patient/pat-L-1, the server did not say where it stored it"
        ]
        assert summary.exit_code == 1


def test_many_refusals_are_listed_up_to_a_limit() -> None:
    server, sleeps = MockFhir(), Sleeps()
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "x"}]}
    server.hooks.append(lambda r: httpx.Response(405, json=outcome) if r.method == "POST" else None)
    with _client(server, sleeps) as client:
        summary = upload_resources(
            make_resources("R-8", 30, provenance=False), BASE, client=client, batch_size=1
        )
    assert summary.counts()["failed"] == 1 and summary.counts()["skipped"] == 31
    lines = summary.failure_lines(limit=5)
    assert lines[:2] == ["failed Patient/pat-R-8 (405)", "  error: x"]
    assert lines[-1] == "... and 27 more (the receipt lists them all)"


def test_tls_or_redirect_trouble_stops_the_upload() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(lambda r: httpx.Response(301, headers={"Location": "https://x.example/"}))
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-9", 3), BASE, client=client, batch_size=2)
    assert summary.exit_code == 1 and server.writes() == []
    assert "redirects (HTTP 301) to another place, https://x.example" in (summary.stopped or "")
    assert summary.counts()["failed"] == 6


def test_post_redirect_within_the_origin_that_drops_the_body_is_refused() -> None:
    server, sleeps = MockFhir(), Sleeps()
    server.hooks.append(
        lambda r: (
            httpx.Response(302, headers={"Location": "/fhir/v2"}) if r.method == "POST" else None
        )
    )
    with _client(server, sleeps) as client:
        summary = upload_resources(make_resources("R-10", 1), BASE, client=client)
    assert "redirects with HTTP 302, which would drop the request body" in (summary.stopped or "")

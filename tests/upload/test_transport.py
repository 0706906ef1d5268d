"""Safe transport against loopback servers of the tests' own: redirects, deadlines, size
limits, Retry-After, and what server text may reach the terminal and the receipt."""

from __future__ import annotations

import json
import random
import ssl
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fhirmig.cli import cli
from fhirmig.errors import FatalServerError, TemporaryServerError
from fhirmig.upload import upload_resources
from fhirmig.upload.client import FhirClient
from fhirmig.upload.retry import RetryPolicy
from fhirmig.upload.safety import clean_server_text

from .conftest import make_resources
from .loopback import loopback, send_json
from .mockserver import capability
from .test_tls import _cert

PATIENT = {"resourceType": "Patient", "identifier": [{"value": "x"}], "name": [{"family": "A"}]}


def _policy(attempts: int = 2) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, sleep=lambda s: None, rng=random.Random(1))


def _trickle(headers_first: bool) -> object:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        if headers_first:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/fhir+json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            handler.wfile.flush()
            chunk = b" "
        else:
            chunk = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000
        for i in range(len(chunk) if not headers_first else 100_000):
            handler.wfile.write(chunk[i : i + 1] if not headers_first else chunk)
            handler.wfile.flush()
            time.sleep(0.05)

    return respond


@pytest.mark.parametrize("headers_first", [True, False], ids=["slow-body", "slow-headers"])
def test_a_trickling_server_hits_the_request_deadline(headers_first: bool) -> None:
    with loopback(_trickle(headers_first)) as server:  # type: ignore[arg-type]
        client = FhirClient(server.url, timeout=1.0, retry=_policy(2))
        with client, pytest.raises(TemporaryServerError, match="no answer after 2 tries"):
            client.request("GET", "metadata")
    # each try was cut at its deadline: 2 requests, not one 80-minute read
    assert len(server.seen) == 2


def test_the_whole_upload_has_a_deadline() -> None:
    with loopback(_trickle(True)) as server:  # type: ignore[arg-type]
        client = FhirClient(server.url, timeout=60.0, deadline=1.0, retry=_policy(6))
        with client:
            summary = upload_resources(make_resources("DL-1", 1), server.url, client=client)
    assert summary.stopped == "the upload ran out of time (deadline 1 s)"
    assert summary.exit_code == 1 and len(server.seen) == 1


def _huge(declared: bool) -> object:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/fhir+json")
        if declared:
            handler.send_header("Content-Length", str(3 * 1024 * 1024))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        piece = b"[" * 65536
        for _ in range(48):  # 3 MB
            if declared:
                handler.wfile.write(piece)
            else:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        if not declared:
            handler.wfile.write(b"0\r\n\r\n")

    return respond


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_answer_over_the_size_limit_is_refused(declared: bool) -> None:
    with loopback(_huge(declared)) as server:  # type: ignore[arg-type]
        client = FhirClient(server.url, max_body=1024 * 1024, retry=_policy())
        with client, pytest.raises(FatalServerError, match="over the limit of 1 MB"):
            client.request("GET", "metadata")
    assert len(server.seen) == 1  # not retried


def test_retry_after_beyond_max_wait_is_server_busy() -> None:
    def busy(handler: BaseHTTPRequestHandler) -> None:
        send_json(handler, 503, {"resourceType": "OperationOutcome"}, Retry_After="100000")

    sleeps: list[float] = []
    with loopback(busy) as server:
        policy = RetryPolicy(attempts=6, sleep=sleeps.append)
        with FhirClient(server.url, retry=policy, max_wait=120) as client:
            summary = upload_resources(make_resources("BUSY-1", 1), server.url, client=client)
    assert sleeps == [] and len(server.seen) == 1
    assert (summary.stopped or "").startswith("server busy: HTTP 503, and it asks to wait 100000 s")


def _redirect_to(target: str, status: int = 307) -> object:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", target + handler.path.removeprefix("/fhir"))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return respond


@pytest.mark.parametrize("status", [307, 308])
def test_no_request_body_reaches_another_origin(status: int) -> None:
    with loopback(lambda h: send_json(h, 201, {})) as elsewhere:
        with loopback(_redirect_to(elsewhere.url, status)) as server:  # type: ignore[arg-type]
            with FhirClient(server.url, retry=_policy()) as client:
                summary = upload_resources(make_resources("RD-1", 2), server.url, client=client)
                with pytest.raises(FatalServerError) as exc:
                    client.request("POST", "", json={"resourceType": "Bundle", "entry": []})
    assert elsewhere.seen == []  # neither the searches nor any body went there
    origin = elsewhere.url.removesuffix("/fhir")
    assert f"redirects (HTTP {status}) to another place, {origin}" in str(exc.value)
    assert f"to another place, {origin}" in (summary.stopped or "")


def _tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("fhirmig test CA", ca_key, ca_key, "fhirmig test CA", ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("127.0.0.1", key, ca_key, "fhirmig test CA", ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pem = cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "server.pem").write_bytes(pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem")
    return context, tmp_path / "ca.pem"


def test_https_never_falls_back_to_http(tmp_path: Path) -> None:
    context, ca = _tls(tmp_path)
    with loopback(lambda h: send_json(h, 201, {})) as plain:
        with loopback(_redirect_to(plain.url), tls=context) as server:  # type: ignore[arg-type]
            # the same host and port, only the scheme drops: still another origin
            target = server.url.replace("https://", "http://")
            server.respond = _redirect_to(target)  # type: ignore[assignment]
            with FhirClient(server.url, ca_bundle=ca, retry=_policy()) as client:
                with pytest.raises(
                    FatalServerError, match=r"to another place, http://127\.0\.0\.1"
                ):
                    client.request("POST", "", json=PATIENT)
    assert plain.seen == [] and len(server.seen) == 1


def test_server_text_is_cleaned_and_cut_on_screen_and_in_the_receipt(examples: Path) -> None:
    nasty = "\x1b[2J\x1b[31mgotcha\x1b[0m\x07 \u202eevil\r\n" + "x" * 5000

    def respond(handler: BaseHTTPRequestHandler) -> None:
        if handler.command == "GET" and handler.path.startswith("/fhir/metadata"):
            send_json(handler, 200, capability())
        elif handler.command == "GET":
            send_json(handler, 200, {"resourceType": "Bundle", "type": "searchset"})
        else:
            outcome = {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "invalid", "diagnostics": nasty}],
            }
            send_json(handler, 422, outcome)

    with loopback(respond) as server:
        result = CliRunner().invoke(
            cli,
            [
                "upload",
                str(examples / "chronic-overuse.json"),
                *("--server", server.url, "--receipt", "receipt.json", "--batch-size", "1000"),
            ],
        )
    assert result.exit_code == 1
    receipt = Path("receipt.json").read_text()
    for text in (result.output, receipt):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "\\u001b" not in text and "\\u0007" not in text
    issue_lines = [line for line in result.output.splitlines() if "gotcha" in line]
    assert issue_lines and all(len(line) <= 520 for line in issue_lines)
    issues = [i for r in json.loads(receipt)["resources"] for i in r.get("issues", [])]
    assert issues and all(len(i) <= 520 for i in issues)
    assert issues[0].startswith("error: gotcha evil xxx") and issues[0].endswith("…")


def test_clean_server_text() -> None:
    assert clean_server_text("\x1b[31mred\x1b[0m\tand\nmore\x00") == "red and more"
    assert clean_server_text("a\u202eb\u2066c") == "abc"
    assert clean_server_text("é" * 600) == "é" * 499 + "…"
    assert clean_server_text("\x1b]0;title\x07after") == "after"

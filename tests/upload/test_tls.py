"""TLS is verified by default; a private CA is trusted only when given with ca_bundle."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fhirmig.errors import FatalServerError
from fhirmig.upload.auth import BearerAuth
from fhirmig.upload.client import FhirClient


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer_key: ec.EllipticCurvePrivateKey,
    issuer: str,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        _Handler.seen.append(self.headers.get("Authorization"))
        body = json.dumps({"resourceType": "CapabilityStatement"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("fhirmig test CA", ca_key, ca_key, "fhirmig test CA", ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("127.0.0.1", key, ca_key, "fhirmig test CA", ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.pem").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}/fhir", tmp_path / "ca.pem"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_untrusted_certificate_is_refused_with_a_hint(https_server: tuple[str, Path]) -> None:
    base, _ = https_server
    with FhirClient(base) as client, pytest.raises(FatalServerError, match="ca_bundle"):
        client.request("GET", "metadata")


def test_private_ca_is_trusted_with_ca_bundle(https_server: tuple[str, Path]) -> None:
    base, ca = https_server
    _Handler.seen.clear()
    with FhirClient(base, BearerAuth("tls-token"), ca_bundle=ca) as client:
        assert client.request("GET", "metadata").status_code == 200
    assert _Handler.seen == ["Bearer tls-token"]


def test_unreadable_ca_bundle(tmp_path: Path) -> None:
    (tmp_path / "bad.pem").write_text("nope")
    with pytest.raises(FatalServerError, match="cannot load the CA bundle"):
        FhirClient("https://ehr.example/fhir", ca_bundle=tmp_path / "bad.pem")


def test_the_command_line_names_its_flag_for_an_untrusted_certificate(
    https_server: tuple[str, Path],
) -> None:
    """The library says ca_bundle; the command says --ca-bundle, also when the error only
    stops the upload half-way (it is reported in the summary, not raised)."""
    from click.testing import CliRunner

    from fhirmig.cli import cli
    from tests.conftest import EXAMPLES

    base, _ = https_server
    result = CliRunner().invoke(
        cli, ["upload", str(EXAMPLES / "chronic-overuse.json"), "--server", base]
    )
    assert result.exit_code == 1
    assert "give the CA with --ca-bundle" in result.stderr
    assert "not sent" in result.stdout

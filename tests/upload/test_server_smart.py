"""SMART Backend Services against the real server: its token endpoint checks the assertion."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from fhirmig.upload import SmartBackendAuth, load_signing_key, public_jwk, upload_resources
from fhirmig.upload.client import FhirClient

from .conftest import FhirServer, make_resources

pytestmark = pytest.mark.server
LIFETIME = 2


@pytest.fixture(scope="module")
def smart_server(
    fhir_server_factory: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[FhirServer, Path, Path]:
    """A server that only answers SMART backend clients; one client with a PEM, one a JWKS."""
    folder = tmp_path_factory.mktemp("smart")
    pem_key = ec.generate_private_key(ec.SECP384R1())
    (folder / "clinic.pem").write_bytes(
        pem_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    jwks_key = ec.generate_private_key(ec.SECP384R1())
    private_jwk = dict(ECAlgorithm.to_jwk(jwks_key, as_dict=True), kid="lab-key-1")
    (folder / "lab.jwks").write_text(json.dumps({"keys": [private_jwk]}))
    for secret in ("clinic.pem", "lab.jwks"):  # module-wide: before the umask fixture
        (folder / secret).chmod(0o600)
    public_lab = dict(public_jwk(jwks_key), kid="lab-key-1")
    clients = [
        {"client_id": "clinic-7", "jwks": {"keys": [public_jwk(pem_key)]}, "scopes": "system/*.*"},
        {"client_id": "lab-2", "jwks": {"keys": [public_lab]}, "scopes": "system/*.read"},
    ]
    auth = (
        f"  types: [smart]\n  token_lifetime: {LIFETIME}\n  smart_clients: {json.dumps(clients)}\n"
    )
    server: FhirServer = fhir_server_factory(auth)
    return server, folder / "clinic.pem", folder / "lab.jwks"


def test_upload_signed_in_with_a_pem_key(smart_server: tuple[FhirServer, Path, Path]) -> None:
    server, pem, _ = smart_server
    auth = SmartBackendAuth(server.base_url, "clinic-7", load_signing_key(pem))
    summary = upload_resources(make_resources("SMART-1", 4), server.base_url, auth=auth)
    assert summary.exit_code == 0 and summary.counts()["created"] == 7
    assert auth.sign_ins == 1
    assert auth.token_url == server.base_url.removesuffix("/fhir") + "/auth/token"


def test_token_expiring_mid_upload_is_renewed(smart_server: tuple[FhirServer, Path, Path]) -> None:
    server, pem, _ = smart_server
    auth = SmartBackendAuth(server.base_url, "clinic-7", load_signing_key(pem))

    def slow(done: int, total: int) -> None:
        if done < total:
            time.sleep(LIFETIME / 2 + 0.2)  # past half the token's life: renewed before the next

    summary = upload_resources(
        make_resources("SMART-2", 4), server.base_url, auth=auth, batch_size=3, progress=slow
    )
    assert summary.exit_code == 0 and summary.counts()["created"] == 7
    assert auth.sign_ins == 3  # one per chunk: each started past the previous token's half-life


def test_expired_token_gets_one_new_sign_in(smart_server: tuple[FhirServer, Path, Path]) -> None:
    server, pem, _ = smart_server
    # a token the client believes valid for long: only the server's 401 reveals its expiry
    auth = SmartBackendAuth(server.base_url, "clinic-7", load_signing_key(pem), renew_margin=0)
    clock_offset = [0.0]
    auth.clock = lambda: time.time() - clock_offset[0]

    def stale_clock(done: int, total: int) -> None:
        if done == 1:  # after the Patient: the token expires before the next transaction
            time.sleep(LIFETIME + 1.1)
            clock_offset[0] += LIFETIME + 1.1

    with FhirClient(server.base_url, auth) as client:
        summary = upload_resources(
            make_resources("SMART-3", 2),
            server.base_url,
            client=client,
            batch_size=3,
            progress=stale_clock,
        )
    assert summary.exit_code == 0 and summary.counts()["created"] == 5
    assert auth.sign_ins == 2


def test_read_only_client_is_refused_with_exit_3(
    smart_server: tuple[FhirServer, Path, Path],
) -> None:
    server, _, jwks = smart_server
    auth = SmartBackendAuth(
        server.base_url, "lab-2", load_signing_key(jwks), scope="system/*.write"
    )
    summary = upload_resources(make_resources("SMART-4", 1), server.base_url, auth=auth)
    assert summary.exit_code == 3
    assert "invalid_scope" in (summary.stopped or "")


def test_unregistered_key_is_refused(
    smart_server: tuple[FhirServer, Path, Path], tmp_path: Path
) -> None:
    server, _, _ = smart_server
    other = ec.generate_private_key(ec.SECP384R1())
    (tmp_path / "other.pem").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    auth = SmartBackendAuth(server.base_url, "clinic-7", load_signing_key(tmp_path / "other.pem"))
    summary = upload_resources(make_resources("SMART-5", 1), server.base_url, auth=auth)
    assert summary.exit_code == 3
    assert "client_assertion verification failed" in (summary.stopped or "")


def test_without_sign_in_the_server_answers_401(
    smart_server: tuple[FhirServer, Path, Path],
) -> None:
    server, _, _ = smart_server
    summary = upload_resources(make_resources("SMART-6", 1), server.base_url)
    assert summary.exit_code == 3 and "HTTP 401" in (summary.stopped or "")

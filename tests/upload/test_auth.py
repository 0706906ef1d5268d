"""SMART Backend Services sign-in: keys, the signed assertion, renewal and re-auth."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm

from fhirmig.errors import AuthError
from fhirmig.upload import upload_resources
from fhirmig.upload.auth import ASSERTION_TYPE, SmartBackendAuth
from fhirmig.upload.client import FhirClient
from fhirmig.upload.keys import load_signing_key, public_jwk
from fhirmig.upload.retry import RetryPolicy

from .conftest import make_resources
from .mockserver import MockFhir

BASE = "https://ehr.example/fhir"
TOKEN_URL = "https://auth.example/oauth/token"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: Any, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


class AuthServer:
    """Discovery and a token endpoint that checks the client assertion like an EHR does."""

    def __init__(self, fhir: MockFhir, public: Any, clock: Clock, expires_in: int = 300) -> None:
        self.public, self.clock, self.expires_in = public, clock, expires_in
        self.issued: dict[str, float] = {}
        self.revoked: set[str] = set()
        self.assertions: list[dict[str, Any]] = []
        self.refuse: str | None = None
        fhir.hooks.append(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/fhir/.well-known/smart-configuration":
            assert "Authorization" not in request.headers
            return httpx.Response(200, json={"token_endpoint": TOKEN_URL})
        if str(request.url) == TOKEN_URL:
            assert "Authorization" not in request.headers
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            if self.refuse:
                return httpx.Response(400, json={"error": self.refuse})
            assert form["grant_type"] == "client_credentials"
            assert form["client_assertion_type"] == ASSERTION_TYPE
            header = jwt.get_unverified_header(form["client_assertion"])
            claims = jwt.decode(
                form["client_assertion"],
                self.public,
                algorithms=["RS384", "ES384"],
                audience=TOKEN_URL,
                options={"verify_exp": False},
            )
            self.assertions.append({"header": header, "claims": claims, "scope": form["scope"]})
            token = f"tok-{len(self.issued) + 1}"
            self.issued[token] = self.clock() + self.expires_in
            return httpx.Response(200, json={"access_token": token, "expires_in": self.expires_in})
        value = request.headers.get("Authorization", "")
        token = value.removeprefix("Bearer ")
        if token not in self.issued or token in self.revoked or self.clock() >= self.issued[token]:
            return httpx.Response(401)
        return None


def _setup(key: Any, tmp: Path, expires_in: int = 300) -> tuple[MockFhir, AuthServer, Clock, Any]:
    fhir, clock = MockFhir(), Clock()
    auth_server = AuthServer(fhir, key.public_key(), clock, expires_in)
    signing = load_signing_key(_pem(key, tmp / "key.pem"))
    auth = SmartBackendAuth(BASE, "fhirmig-client", signing, clock=clock)
    return fhir, auth_server, clock, auth


def _client(fhir: MockFhir, auth: SmartBackendAuth) -> FhirClient:
    policy = RetryPolicy(attempts=3, sleep=lambda s: None, rng=random.Random(1))
    return FhirClient(BASE, auth, retry=policy, transport=fhir.transport())


def test_sign_in_with_a_signed_rs384_assertion(rsa_key: Any, tmp_path: Path) -> None:
    fhir, server, _, auth = _setup(rsa_key, tmp_path)
    with _client(fhir, auth) as client:
        summary = upload_resources(make_resources("S-1", 2), BASE, client=client)
    assert summary.exit_code == 0 and auth.sign_ins == 1
    sent = server.assertions[0]
    assert sent["header"]["alg"] == "RS384"
    assert sent["header"]["kid"] == public_jwk(rsa_key)["kid"]
    claims = sent["claims"]
    assert claims["iss"] == claims["sub"] == "fhirmig-client"
    assert claims["exp"] - claims["iat"] == 300 and len(claims["jti"]) == 36
    assert sent["scope"] == "system/*.read system/*.write"
    assert fhir.posts()[0].headers["Authorization"] == "Bearer tok-1"


def test_token_is_renewed_before_it_expires_mid_upload(rsa_key: Any, tmp_path: Path) -> None:
    fhir, _, clock, auth = _setup(rsa_key, tmp_path, expires_in=120)

    def time_passes(done: int, total: int) -> None:
        clock.now += 50

    with _client(fhir, auth) as client:
        summary = upload_resources(
            make_resources("S-2", 8), BASE, client=client, batch_size=2, progress=time_passes
        )
    assert summary.exit_code == 0 and summary.counts()["created"] == 11
    # 6 chunks, 50 s apart; a token lives 120 s and is renewed 60 s before it ends, so the
    # server (which refuses expired tokens with 401) never sees an expired one
    tokens = [r.headers["Authorization"].split("-")[1] for r in fhir.posts()]
    assert tokens == ["1", "1", "2", "2", "3", "3"]
    assert auth.sign_ins == 3


def test_one_reauthentication_after_a_401(rsa_key: Any, tmp_path: Path) -> None:
    fhir, server, _, auth = _setup(rsa_key, tmp_path)

    def revoke_after_first_post(request: httpx.Request) -> None:
        if request.method == "POST" and len(fhir.posts()) == 2:
            server.revoked.add("tok-1")

    fhir.hooks.insert(0, revoke_after_first_post)  # type: ignore[arg-type]
    with _client(fhir, auth) as client:
        summary = upload_resources(make_resources("S-3", 3), BASE, client=client, batch_size=2)
    assert summary.exit_code == 0 and summary.counts()["created"] == 6
    # the Patient alone, then 2 + 2 + 1: the second transaction is refused once, sent again
    assert [r.headers["Authorization"] for r in fhir.posts()] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
        "Bearer tok-2",
        "Bearer tok-2",
    ]


def test_second_401_stops_with_exit_code_3(rsa_key: Any, tmp_path: Path) -> None:
    fhir, _, _, auth = _setup(rsa_key, tmp_path)
    fhir.hooks.insert(
        0,
        lambda r: (
            httpx.Response(401) if r.url.host == "ehr.example" and r.method == "POST" else None
        ),
    )
    with _client(fhir, auth) as client:
        summary = upload_resources(make_resources("S-4", 1), BASE, client=client)
    assert summary.exit_code == 3 and auth.sign_ins == 2
    assert len(fhir.posts()) == 2
    assert "HTTP 401" in (summary.stopped or "")


def test_refused_client_names_the_oauth_error(rsa_key: Any, tmp_path: Path) -> None:
    fhir, server, _, auth = _setup(rsa_key, tmp_path)
    server.refuse = "invalid_client"
    with _client(fhir, auth) as client:
        summary = upload_resources(make_resources("S-5", 1), BASE, client=client)
    assert summary.exit_code == 3 and fhir.posts() == []
    assert summary.stopped == f"{TOKEN_URL}: sign-in refused (HTTP 400): invalid_client"


def test_missing_smart_configuration(rsa_key: Any, tmp_path: Path) -> None:
    signing = load_signing_key(_pem(rsa_key, tmp_path / "k.pem"))
    auth = SmartBackendAuth(BASE, "c", signing)
    with _client(MockFhir(), auth) as client, pytest.raises(AuthError, match="token_url"):
        client.request("GET", "metadata")


def test_es384_key_from_a_jwks_file(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    jwk = ECAlgorithm.to_jwk(key, as_dict=True)
    other = dict(ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()), as_dict=True))
    path = tmp_path / "keys.jwks"
    path.write_text(json.dumps({"keys": [dict(jwk, kid="k1"), dict(other, kid="k2")]}))
    signing = load_signing_key(path, kid="k1")
    assert (signing.alg, signing.kid) == ("ES384", "k1")
    with pytest.raises(AuthError, match="2 private keys; choose one with kid"):
        load_signing_key(path)

    fhir, clock = MockFhir(), Clock()
    server = AuthServer(fhir, key.public_key(), clock)
    auth = SmartBackendAuth(BASE, "es-client", signing, clock=clock, scope="system/Observation.c")
    with _client(fhir, auth) as client:
        assert upload_resources(make_resources("S-6", 1), BASE, client=client).exit_code == 0
    assert server.assertions[0]["header"]["alg"] == "ES384"
    assert server.assertions[0]["scope"] == "system/Observation.c"


def test_unusable_keys_are_refused(tmp_path: Path) -> None:
    weak = _pem(rsa.generate_private_key(public_exponent=65537, key_size=1024), tmp_path / "w.pem")
    with pytest.raises(AuthError, match="1024 bits"):
        load_signing_key(weak)
    p256 = _pem(ec.generate_private_key(ec.SECP256R1()), tmp_path / "p.pem")
    with pytest.raises(AuthError, match="ES384 needs a P-384 key"):
        load_signing_key(p256)
    public_only = tmp_path / "pub.jwks"
    public_only.write_text(
        json.dumps({"keys": [{"kty": "EC", "crv": "P-384", "x": "a", "y": "b"}]})
    )
    with pytest.raises(AuthError, match="no private key"):
        load_signing_key(public_only)
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(AuthError, match="not an unencrypted PEM private key"):
        load_signing_key(tmp_path / "junk.pem")

"""The private key a SMART backend-services client signs its assertions with.

The key is read from a PEM file (PKCS#8 or traditional, unencrypted) or from a JWKS file
(the private JWK set registered with the EHR, or one JWK). RSA keys sign RS384, P-384 EC
keys ES384, as SMART requires. The ``kid`` is the JWK's own, the one given, or else the
RFC 7638 thumbprint of the public key, which is also what ``fhirmig`` prints for
registration.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhirmig.errors import AuthError
from fhirmig.files import read_private_file

__all__ = ["SigningKey", "load_signing_key", "public_jwk"]

_MAX_KEY_FILE = 1024 * 1024  # a JWKS of many keys stays far below


@dataclass(frozen=True)
class SigningKey:
    """A private key with its JWS algorithm and key id."""

    key: Any
    alg: str
    kid: str

    def __repr__(self) -> str:
        return f"SigningKey(alg={self.alg!r}, kid={self.kid!r})"


def _alg_for(key: Any, file: Path) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise AuthError(f"{file}: RSA key of {key.key_size} bits; use 2048 bits or more")
        return "RS384"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name != "secp384r1":
            raise AuthError(f"{file}: EC key on {key.curve.name}; ES384 needs a P-384 key")
        return "ES384"
    raise AuthError(f"{file}: not an RSA or EC private key")


def public_jwk(key: Any) -> dict[str, Any]:
    """The public JWK (as a dict) of a private RSA or EC key, with ``alg`` and ``kid``."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    pub = key.public_key()
    algo: Any = RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm
    jwk: dict[str, Any] = algo.to_jwk(pub, as_dict=True)
    required = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canon = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canon.encode()).digest()
    jwk["kid"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    jwk["alg"] = _alg_for(key, Path("key"))
    return jwk


def load_signing_key(path: Path, kid: str | None = None) -> SigningKey:
    """Read the private key at ``path`` (PEM or JWKS JSON); pick ``kid`` from a key set."""
    data = read_private_file(path, "private key file", limit=_MAX_KEY_FILE, error=AuthError)
    if data.lstrip().startswith(b"{"):
        return _from_jwks(path, data, kid)
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise AuthError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    alg = _alg_for(key, path)
    return SigningKey(key, alg, kid or public_jwk(key)["kid"])


def _from_jwks(path: Path, data: bytes, kid: str | None) -> SigningKey:
    import jwt

    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise AuthError(f"{path}: not valid JSON ({exc})") from None
    keys = doc.get("keys") if isinstance(doc, dict) and "keys" in doc else [doc]
    if not isinstance(keys, list):
        raise AuthError(f"{path}: 'keys' must be a list of JWKs")
    private = [k for k in keys if isinstance(k, dict) and "d" in k]
    if kid is not None:
        private = [k for k in private if k.get("kid") == kid]
    if not private:
        which = f" with kid {kid!r}" if kid else ""
        raise AuthError(f"{path}: no private key{which} (a private JWK has a 'd' member)")
    if len(private) > 1:
        raise AuthError(
            f"{path}: {len(private)} private keys; choose one with " + "{kid}", params=("kid",)
        )
    jwk = private[0]
    try:
        key = jwt.PyJWK(jwk).key
    except (jwt.exceptions.PyJWKError, jwt.exceptions.InvalidKeyError, ValueError) as exc:
        raise AuthError(f"{path}: unusable JWK ({exc})") from None
    alg = _alg_for(key, path)
    if jwk.get("alg") not in (None, alg):
        raise AuthError(f"{path}: the JWK says alg {jwk['alg']}; SMART needs {alg} for this key")
    return SigningKey(key, alg, kid or str(jwk.get("kid") or public_jwk(key)["kid"]))

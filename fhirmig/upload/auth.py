"""Signing in to a FHIR server: none, a bearer token, or SMART Backend Services.

An :class:`Auth` gives the value of the ``Authorization`` header for the next request and
says whether a fresh sign-in is worth one more try after a 401. Tokens never appear in
messages, logs or the receipt. Credentials are only sent over https, or plain http to a
loopback address (a local test server).

SMART Backend Services (client credentials with a signed JWT client assertion, see
https://hl7.org/fhir/smart-app-launch/backend-services.html): the token endpoint comes
from the server's ``.well-known/smart-configuration``; the assertion is signed RS384 or
ES384 with a key read from a PEM file or a JWKS file; the access token is renewed shortly
before it expires and once more after a 401.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from fhirmig.errors import AuthError
from fhirmig.files import read_private_file
from fhirmig.redact import remember_secret
from fhirmig.upload.keys import SigningKey

__all__ = [
    "ASSERTION_TYPE",
    "TOKEN_ENV",
    "Auth",
    "BearerAuth",
    "NoAuth",
    "SmartBackendAuth",
    "TokenFetcher",
    "check_secure_url",
    "read_token",
]

TOKEN_ENV = "FHIRMIG_TOKEN"  # noqa: S105 (a variable name, not a secret)
_MAX_TOKEN_FILE = 64 * 1024
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


class TokenFetcher(Protocol):
    """What a sign-in needs from the HTTP client: unauthenticated GET and form POST."""

    def fetch(
        self, method: str, url: str, *, data: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any] | None]:
        """Send a request without credentials; return the status and the JSON body."""
        ...


class Auth(Protocol):
    """A way to sign in. ``header`` may fetch a token; ``renew`` is called after a 401."""

    name: str

    def header(self, http: TokenFetcher) -> str | None:
        """The ``Authorization`` header value for the next request, or None."""
        ...

    def renew(self) -> bool:
        """Forget the current token; True when a new sign-in may succeed (retry once)."""
        ...


def check_secure_url(url: str, what: str) -> None:
    """Refuse to send credentials to ``url`` unless it is https or a loopback address."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise AuthError(f"refusing to send {what} over {parts.scheme or 'an unknown scheme'}: {url}")


class NoAuth:
    """No sign-in: open test servers and servers behind a trusted gateway."""

    name = "none"

    def header(self, http: TokenFetcher) -> str | None:
        return None

    def renew(self) -> bool:
        return False


class BearerAuth:
    """A fixed bearer token (from ``FHIRMIG_TOKEN`` or a token file). A 401 is final."""

    name = "bearer"

    def __init__(self, token: str) -> None:
        if not token or any(c.isspace() for c in token):
            raise AuthError("the bearer token is empty or contains spaces or line breaks")
        remember_secret(token)
        self._token = token

    def __repr__(self) -> str:
        return "BearerAuth(<hidden>)"

    def header(self, http: TokenFetcher) -> str | None:
        return f"Bearer {self._token}"

    def renew(self) -> bool:
        return False


def read_token(token_file: Path | None = None, environ: dict[str, str] | None = None) -> str:
    """The bearer token from ``token_file`` when given, else from ``$FHIRMIG_TOKEN``.

    The token is never accepted as a command-line value: those end up in shell history
    and in the process list. A token file must be a regular file only its owner can read
    (mode 0600), like an ssh key.
    """
    env = os.environ if environ is None else environ
    if token_file is not None:
        raw = read_private_file(token_file, "token file", limit=_MAX_TOKEN_FILE, error=AuthError)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthError(f"{token_file}: the token file is not UTF-8 text") from None
        token = text.strip()
        if not token:
            raise AuthError(f"{token_file}: the token file is empty")
        return _checked_token(token, str(token_file))
    token = env.get(TOKEN_ENV, "").strip()
    if not token:
        raise AuthError(
            "bearer sign-in needs a token: set " + TOKEN_ENV + " or give {token_file}",
            params=("token_file",),
        )
    return _checked_token(token, TOKEN_ENV)


def _checked_token(token: str, source: str) -> str:
    """The token, if an HTTP header can carry it (visible ASCII, RFC 6750 ``b64token``).

    The token itself is never shown: only where it came from and what is wrong.
    """
    if not token.isascii():
        raise AuthError(f"{source}: the token holds characters that are not ASCII; copy it again")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise AuthError(f"{source}: the token holds spaces or control characters; copy it again")
    return token


@dataclass
class _Token:
    value: str
    renew_at: float


class SmartBackendAuth:
    """SMART Backend Services sign-in (OAuth client credentials, JWT client assertion)."""

    name = "smart-backend"

    def __init__(
        self,
        base_url: str,
        client_id: str,
        key: SigningKey,
        *,
        scope: str = "system/*.read system/*.write",
        token_url: str | None = None,
        renew_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not client_id:
            raise AuthError("SMART backend sign-in needs {client_id}", params=("client_id",))
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.key = key
        self.scope = scope
        self.token_url = token_url
        self.renew_margin = renew_margin
        self.clock = clock
        self._token: _Token | None = None
        self.sign_ins = 0

    def __repr__(self) -> str:
        return f"SmartBackendAuth(client_id={self.client_id!r}, kid={self.key.kid!r})"

    def header(self, http: TokenFetcher) -> str | None:
        now = self.clock()
        if self._token is None or now >= self._token.renew_at:
            self._token = self._sign_in(http, now)
        return f"Bearer {self._token.value}"

    def renew(self) -> bool:
        self._token = None
        return True

    def discover(self, http: TokenFetcher) -> str:
        """The token endpoint: ``token_url`` if given, else the smart-configuration's."""
        if self.token_url:
            return self.token_url
        url = f"{self.base_url}/.well-known/smart-configuration"
        status, body = http.fetch("GET", url)
        endpoint = body.get("token_endpoint") if isinstance(body, dict) else None
        if status != 200 or not isinstance(endpoint, str) or not endpoint:
            raise AuthError(
                f"{url}: no token_endpoint (HTTP {status}); give the token URL with "
                + "{token_url}",
                params=("token_url",),
            )
        self.token_url = endpoint
        return endpoint

    def client_assertion(self, audience: str, now: float) -> str:
        """The signed JWT that proves this client's identity to the token endpoint."""
        import jwt

        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": audience,
            "exp": int(now) + 300,
            "iat": int(now),
            "jti": str(uuid.uuid4()),
        }
        headers = {"kid": self.key.kid, "typ": "JWT"}
        return jwt.encode(claims, self.key.key, algorithm=self.key.alg, headers=headers)

    def _sign_in(self, http: TokenFetcher, now: float) -> _Token:
        endpoint = self.discover(http)
        check_secure_url(endpoint, "the client assertion")
        form = {
            "grant_type": "client_credentials",
            "scope": self.scope,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.client_assertion(endpoint, now),
        }
        status, body = http.fetch("POST", endpoint, data=form)
        self.sign_ins += 1
        if status != 200 or not isinstance(body, dict):
            raise AuthError(f"{endpoint}: sign-in refused (HTTP {status}){_oauth_error(body)}")
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise AuthError(f"{endpoint}: the token response has no access_token")
        remember_secret(token)  # a debug traceback of a refused header shows no token
        expires_in = body.get("expires_in", 300)
        if not isinstance(expires_in, int | float) or expires_in <= 0:
            expires_in = 300
        # renew renew_margin seconds before the end; short-lived tokens at half their life
        lifetime = float(expires_in)
        return _Token(token, now + lifetime - min(self.renew_margin, lifetime / 2))


def _oauth_error(body: dict[str, Any] | None) -> str:
    if not isinstance(body, dict):
        return ""
    parts = [str(body[k]) for k in ("error", "error_description") if isinstance(body.get(k), str)]
    if not parts:
        return ""
    from fhirmig.upload.safety import clean_server_text

    return ": " + clean_server_text(" - ".join(parts))

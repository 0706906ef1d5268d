"""The HTTP side of an upload: one FHIR server, signed in, retried, redirect-safe.

Built on httpx. TLS certificates are verified (a private CA is given with ``ca_bundle``),
every request has a timeout, and temporary failures (429, 500, 502, 503, 504, dropped
connections, timeouts) are retried following a :class:`~fhirmig.upload.retry.RetryPolicy`.
Redirects are followed here rather than by httpx so that the ``Authorization`` header is
attached only to requests for the server's own origin (scheme, host and port): a redirect
elsewhere never receives the credentials.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx

from fhirmig.errors import AuthError, FatalServerError, TemporaryServerError
from fhirmig.upload.auth import Auth, NoAuth, check_secure_url
from fhirmig.upload.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after
from fhirmig.upload.summary import format_issues, outcome_from_body

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["FHIR_JSON", "FhirClient"]

FHIR_JSON = "application/fhir+json"
_REDIRECTS = {301, 302, 303, 307, 308}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _json(response: httpx.Response) -> Any:
    import orjson

    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None


class FhirClient:
    """A FHIR REST client for one base URL. Use as a context manager, or call ``close``."""

    def __init__(
        self,
        base_url: str,
        auth: Auth | None = None,
        *,
        timeout: float = 60.0,
        ca_bundle: Path | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        max_redirects: int = 5,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth: Auth = auth or NoAuth()
        self.retry = retry or RetryPolicy()
        self.max_redirects = max_redirects
        verify: bool | ssl.SSLContext = True
        if ca_bundle is not None:
            try:
                verify = ssl.create_default_context(cafile=str(ca_bundle))
            except (OSError, ssl.SSLError) as exc:
                raise FatalServerError(f"{ca_bundle}: cannot load the CA bundle ({exc})") from None
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            verify=verify,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": "fhirmig"},
        )
        self.requests_sent = 0

    def __enter__(self) -> FhirClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def url(self, path: str) -> str:
        """An absolute URL for ``path`` (already absolute URLs are kept)."""
        if "://" in path:
            return path
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    # -- sending -----------------------------------------------------------------------

    def _send(
        self, method: str, url: str, headers: Mapping[str, str], **kwargs: Any
    ) -> httpx.Response:
        """Send once per try until an answer that is not worth retrying, or tries run out."""
        failures = 0
        while True:
            try:
                self.requests_sent += 1
                response = self._http.request(method, url, headers=dict(headers), **kwargs)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                    raise FatalServerError(
                        f"{method} {url}: the server's TLS certificate is not trusted; "
                        "give the CA with {ca_bundle}",
                        params=("ca_bundle",),
                    ) from None
                failures += 1
                if failures >= self.retry.attempts:
                    raise TemporaryServerError(
                        f"{method} {url}: no answer after {failures} tries ({type(exc).__name__})"
                    ) from None
                self.retry.wait(failures)
                continue
            if response.status_code in RETRYABLE_STATUS:
                failures += 1
                if failures < self.retry.attempts:
                    response.close()
                    self.retry.wait(
                        failures, parse_retry_after(response.headers.get("Retry-After"))
                    )
                    continue
            return response

    def fetch(
        self, method: str, url: str, *, data: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any] | None]:
        """An unauthenticated request (discovery, token endpoint) with retries: status, JSON."""
        response = self._send(method, url, {"Accept": "application/json"}, data=data)
        body = _json(response)
        return response.status_code, body if isinstance(body, dict) else None

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A FHIR request, signed in, retried, following same-method redirects.

        A 401 leads to one fresh sign-in when the sign-in method can renew its token; a
        second 401 (or a 403) raises :class:`AuthError`. Other error statuses are returned.
        """
        url = self.url(path)
        content = None
        headers = {"Accept": FHIR_JSON}
        if json is not None:
            import orjson

            content = orjson.dumps(json)
            headers["Content-Type"] = FHIR_JSON
        renewed = False
        redirects = 0
        while True:
            send_headers = dict(headers)
            if _origin(url) == _origin(self.base_url):
                value = self.auth.header(self)
                if value is not None:
                    check_secure_url(url, "credentials")
                    send_headers["Authorization"] = value
            response = self._send(method, url, send_headers, content=content, params=params)
            status = response.status_code
            if status in _REDIRECTS and "location" in response.headers:
                redirects += 1
                if redirects > self.max_redirects:
                    raise FatalServerError(
                        f"{method} {url}: more than {self.max_redirects} redirects"
                    )
                if method != "GET" and status not in (307, 308):
                    raise FatalServerError(
                        f"{method} {url}: the server redirects with HTTP {status}, which would "
                        "drop the request body; give the final URL with {server}",
                        params=("server",),
                    )
                url = urljoin(url, response.headers["location"])
                params = None
                continue
            if status == 401 and not renewed and self.auth.renew():
                renewed = True
                continue
            if status in (401, 403):
                lines = format_issues(outcome_from_body(_json(response)))
                detail = ("; " + "; ".join(lines)) if lines else ""
                what = "refused the credentials" if status == 401 else "does not allow this"
                raise AuthError(f"{method} {url}: the server {what} (HTTP {status}){detail}")
            return response

    def raise_for_status(self, response: httpx.Response, what: str) -> None:
        """Raise a ServerError (temporary or fatal) for an error status, with the outcome."""
        status = response.status_code
        if status < 400:
            return
        body = _json(response)
        outcome = outcome_from_body(body)
        message = f"{what}: HTTP {status} {response.reason_phrase}".rstrip()
        error = TemporaryServerError if status in RETRYABLE_STATUS else FatalServerError
        raise error(message, status, outcome)

    def transaction(self, bundle: dict[str, Any]) -> dict[str, Any]:
        """POST a transaction Bundle to the base URL; return the transaction-response."""
        response = self.request("POST", "", json=bundle)
        self.raise_for_status(response, "transaction")
        body = _json(response)
        if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
            raise FatalServerError("transaction: the server's answer is not a Bundle", 200)
        return body

    def search(self, resource_type: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """Every resource matching a search, following the ``next`` links."""
        found: list[dict[str, Any]] = []
        path: str = resource_type
        query: Mapping[str, str] | None = params
        for _ in range(10_000):
            response = self.request("GET", path, params=query)
            self.raise_for_status(response, f"search {resource_type}")
            body = _json(response) or {}
            for entry in body.get("entry") or []:
                mode = (entry.get("search") or {}).get("mode", "match")
                if mode == "match" and isinstance(entry.get("resource"), dict):
                    found.append(entry["resource"])
            links = {link.get("relation"): link.get("url") for link in body.get("link") or []}
            if not links.get("next"):
                break
            path, query = links["next"], None
        return found

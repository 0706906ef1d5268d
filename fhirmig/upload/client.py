"""The HTTP side of an upload: one FHIR server, signed in, retried, bounded, same-origin.

Built on httpx. TLS certificates are verified (a private CA is given with ``ca_bundle``);
temporary failures (429, 500, 502, 503, 504, dropped connections, timeouts) are retried
following a :class:`~fhirmig.upload.retry.RetryPolicy`. Every request has a deadline that
covers connecting, sending and receiving (``timeout``), the whole upload one more
(``deadline``), and no answer is read past ``max_body`` bytes
(:mod:`fhirmig.upload.transport`). A server asking to wait longer than ``max_wait``
seconds (``Retry-After``) is "busy": the request fails at once instead of sleeping.

Redirects are followed here, not by httpx, and only within the server's own origin
(scheme, host and port): the request body is the patient's data, and a server (or
whoever took over its address) pointing elsewhere, or from https down to http, gets
nothing. A redirect to another origin is an error naming where it pointed.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import httpx

from fhirmig.errors import AuthError, FatalServerError, TemporaryServerError
from fhirmig.upload.auth import Auth, NoAuth, check_secure_url
from fhirmig.upload.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after
from fhirmig.upload.safety import (
    DEFAULT_MAX_BODY,
    check_server_url,
    clean_server_text,
    origin,
    origin_text,
)
from fhirmig.upload.summary import format_issues, outcome_from_body
from fhirmig.upload.transport import DeadlineTransport, read_limited, request_deadline

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["FHIR_JSON", "NOTICE_AFTER", "Answer", "FhirClient"]

FHIR_JSON = "application/fhir+json"
#: Waits longer than this (seconds) are announced through ``notify``.
NOTICE_AFTER = 5.0
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass
class Answer:
    """A server's answer, its body read in full (within the size limit)."""

    status_code: int
    reason_phrase: str
    headers: httpx.Headers
    content: bytes
    url: str

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        import orjson

        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError:
            return None


def _json(response: Answer) -> Any:
    return response.json()


class FhirClient:
    """A FHIR REST client for one base URL. Use as a context manager, or call ``close``.

    ``notify`` receives one line for each wait longer than :data:`NOTICE_AFTER` seconds
    (the command prints it). ``allow_insecure_http`` permits plain http to a host other
    than this machine; credentials are never sent over it all the same.
    """

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
        deadline: float | None = 1800.0,
        max_body: int = DEFAULT_MAX_BODY,
        max_wait: float = 120.0,
        notify: Callable[[str], None] | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        check_server_url(base_url, allow_insecure_http=allow_insecure_http)
        self.base_url = base_url.rstrip("/")
        self.auth: Auth = auth or NoAuth()
        self.retry = retry or RetryPolicy()
        self.max_redirects = max_redirects
        self.timeout = timeout
        self.max_body = max_body
        self.max_wait = max_wait
        self.notify = notify
        self.deadline_seconds = deadline
        self.ends_at = None if deadline is None else time.monotonic() + deadline
        verify: bool | ssl.SSLContext = True
        if ca_bundle is not None:
            try:
                verify = ssl.create_default_context(cafile=str(ca_bundle))
            except (OSError, ssl.SSLError) as exc:
                raise FatalServerError(f"{ca_bundle}: cannot load the CA bundle ({exc})") from None
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            transport=transport if transport is not None else DeadlineTransport(verify),
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

    # -- time --------------------------------------------------------------------------

    def _out_of_time(self) -> TemporaryServerError:
        return TemporaryServerError(
            f"the upload ran out of time ({{deadline}} {self.deadline_seconds:g} s)",
            params=("deadline",),
        )

    def _request_ends(self) -> float:
        """The deadline of a request starting now: ``timeout`` or the upload's, if sooner."""
        now = time.monotonic()
        if self.ends_at is not None and now >= self.ends_at:
            raise self._out_of_time()
        ends = now + self.timeout
        return ends if self.ends_at is None else min(ends, self.ends_at)

    def _wait(self, failures: int, retry_after: float | None, why: str) -> None:
        if retry_after is not None and retry_after > self.max_wait:
            raise TemporaryServerError(
                f"server busy: {why}, and it asks to wait {retry_after:.0f} s "
                f"(more than {{max_wait}} {self.max_wait:g} s); try again later",
                params=("max_wait",),
            )
        seconds = self.retry.delay(failures, retry_after)
        if self.ends_at is not None and time.monotonic() + seconds >= self.ends_at:
            raise self._out_of_time()
        if seconds > NOTICE_AFTER and self.notify is not None:
            self.notify(f"server busy ({why}): waiting {seconds:.0f} s before trying again")
        if seconds > 0:
            self.retry.sleep(seconds)

    # -- sending -----------------------------------------------------------------------

    def _once(self, method: str, url: str, headers: Mapping[str, str], **kwargs: Any) -> Answer:
        what = f"{method} {url}"
        with request_deadline(self._request_ends()):
            request = self._http.build_request(method, url, headers=dict(headers), **kwargs)
            response = self._http.send(request, stream=True)
            content = read_limited(response, self.max_body, what)
        return Answer(
            response.status_code,
            clean_server_text(response.reason_phrase, 100),
            response.headers,
            content,
            str(response.url),
        )

    def _send(self, method: str, url: str, headers: Mapping[str, str], **kwargs: Any) -> Answer:
        """Send once per try until an answer that is not worth retrying, or tries run out."""
        failures = 0
        while True:
            try:
                self.requests_sent += 1
                response = self._once(method, url, headers, **kwargs)
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
                self._wait(failures, None, type(exc).__name__)
                continue
            if response.status_code in RETRYABLE_STATUS:
                failures += 1
                if failures < self.retry.attempts:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    self._wait(failures, retry_after, f"HTTP {response.status_code}")
                    continue
            return response

    def fetch(
        self, method: str, url: str, *, data: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any] | None]:
        """An unauthenticated request (discovery, token endpoint) with retries: status, JSON."""
        check_secure_url(url, "a sign-in request")
        response = self._send(method, url, {"Accept": "application/json"}, data=data)
        body = _json(response)
        return response.status_code, body if isinstance(body, dict) else None

    def _redirect(self, method: str, url: str, response: Answer) -> str:
        target = urljoin(url, response.headers["location"])
        status = response.status_code
        if origin(target) != origin(self.base_url):
            raise FatalServerError(
                f"{method} {url}: the server redirects (HTTP {status}) to another place, "
                f"{origin_text(target)}; fhirmig sends nothing there. If that is the "
                "server to use, give its address with {server}",
                params=("server",),
            )
        if method != "GET" and status not in (307, 308):
            raise FatalServerError(
                f"{method} {url}: the server redirects with HTTP {status}, which would "
                "drop the request body; give the final URL with {server}",
                params=("server",),
            )
        return target

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """A FHIR request, signed in, retried, following same-origin redirects.

        A 401 leads to one fresh sign-in when the sign-in method can renew its token; a
        second 401 (or a 403) raises :class:`AuthError`. Other error statuses are returned.
        """
        url = self.url(path)
        content = None
        base_headers = {"Accept": FHIR_JSON, **(headers or {})}
        if json is not None:
            import orjson

            content = orjson.dumps(json)
            base_headers["Content-Type"] = FHIR_JSON
        renewed = False
        redirects = 0
        while True:
            send_headers = dict(base_headers)
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
                url = self._redirect(method, url, response)
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

    def raise_for_status(self, response: Answer, what: str) -> None:
        """Raise a ServerError (temporary or fatal) for an error status, with the outcome."""
        status = response.status_code
        if status < 400:
            return
        body = _json(response)
        outcome = outcome_from_body(body)
        message = f"{what}: HTTP {status} {response.reason_phrase}".rstrip()
        if outcome is None and response.content:
            message += ": " + clean_server_text(response.content.decode("utf-8", "replace"))
        error = TemporaryServerError if status in RETRYABLE_STATUS else FatalServerError
        raise error(message, status, outcome)

    def transaction(self, bundle: dict[str, Any]) -> dict[str, Any]:
        """POST a transaction (or batch) Bundle to the base URL; return the response Bundle."""
        kind = str(bundle.get("type") or "transaction")
        response = self.request("POST", "", json=bundle)
        self.raise_for_status(response, kind)
        body = _json(response)
        if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
            raise FatalServerError(f"{kind}: the server's answer is not a Bundle", 200)
        return body

    def read(self, path: str) -> dict[str, Any] | None:
        """GET one resource (``Type/id``): the resource, or None when it is gone (404, 410)."""
        response = self.request("GET", path)
        if response.status_code in (404, 410):
            return None
        self.raise_for_status(response, f"read {path}")
        body = _json(response)
        return body if isinstance(body, dict) else None

    def capabilities(self) -> dict[str, Any]:
        """The server's CapabilityStatement (``GET metadata``)."""
        response = self.request("GET", "metadata")
        self.raise_for_status(response, "metadata")
        body = _json(response)
        if not isinstance(body, dict) or body.get("resourceType") != "CapabilityStatement":
            raise FatalServerError("metadata: the answer is not a CapabilityStatement", 200)
        return body

    def search(self, resource_type: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """Every resource matching a search, following the ``next`` links (same origin)."""
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
            following = links.get("next")
            if not following:
                break
            if origin(self.url(following)) != origin(self.base_url):
                raise FatalServerError(
                    f"search {resource_type}: the next page is on another server, "
                    f"{origin_text(following)}; fhirmig does not follow it"
                )
            path, query = following, None
        return found

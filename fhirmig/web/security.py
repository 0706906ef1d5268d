"""The guards every request passes before the page does anything: Host, token, CSRF, headers.

The page serves one patient's health data on this computer only, so the rules are strict:

- the Host header must be exactly the loopback address and port the server listens on, so
  a web page that rebinds its own DNS name to 127.0.0.1 is refused (403);
- every request carries the per-run token: first in the address the command printed, which
  is then moved into a cookie (HttpOnly, SameSite=Strict) and dropped from the address;
- every form posts the per-run CSRF token, and a request whose Origin is another site is
  refused, so another page in the same browser cannot make the diary change;
- every answer forbids outside sources (Content-Security-Policy), framing, caching and
  referrers.

Nothing here logs: a refused request gets its status and a short page, and that is all.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = [
    "COOKIE",
    "CSP",
    "SECURITY_HEADERS",
    "Guard",
    "Secrets",
    "loopback_url",
]

COOKIE = "fhirmig_session"
#: No outside source of any kind: scripts, styles, images and forms come from the page itself.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer a browser posts "Origin: null"
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def loopback_url(port: int, token: str) -> str:
    """The address to open: ``http://127.0.0.1:PORT/?token=...``."""
    return f"http://127.0.0.1:{port}/?{urlencode({'token': token})}"


@dataclass(frozen=True)
class Secrets:
    """The per-run secrets: the session token (address, then cookie) and the CSRF token."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    def token_ok(self, value: str | None) -> bool:
        """True when ``value`` is this run's session token (compared in constant time)."""
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def csrf_ok(self, value: str | None) -> bool:
        """True when ``value`` is this run's CSRF token (compared in constant time)."""
        return value is not None and hmac.compare_digest(value.encode(), self.csrf.encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header is simply no session
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


_REFUSED = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
    "<body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
)


class Guard:
    """ASGI middleware: Host check, session token, Origin check and security headers.

    ``port`` is the port the server listens on (known once the socket is bound). CSRF
    tokens in form bodies are checked by the routes that read the bodies
    (:func:`fhirmig.web.app.read_form`), because only they parse them.
    """

    def __init__(self, app: ASGIApp, secrets: Secrets, port: int) -> None:
        self.app = app
        self.secrets = secrets
        self.port = port

    def host_ok(self, host: str | None) -> bool:
        """True when the Host header names the loopback address and port we listen on."""
        return host is not None and host == f"127.0.0.1:{self.port}"

    def origin_ok(self, origin: str | None) -> bool:
        """No Origin (a client that sends none) or this very page's origin."""
        return origin is None or origin == f"http://127.0.0.1:{self.port}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.host_ok(_header(scope, b"host")):
            await _refuse(
                send,
                403,
                "Not this address",
                "This page answers only at the address 127.0.0.1 that fhirmig serve printed.",
            )
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.pop("token", None)
        if given is not None:
            if not self.secrets.token_ok(given):
                await _refuse(send, 403, "Wrong address", _OPEN_AGAIN)
                return
            # Move the token into a cookie and out of the address bar and the history.
            location = scope.get("path", "/") + (f"?{urlencode(query)}" if query else "")
            cookie = f"{COOKIE}={self.secrets.token}; Path=/; HttpOnly; SameSite=Strict".encode()
            await _send(send, 303, b"", [(b"location", location.encode()), (b"set-cookie", cookie)])
            return
        if not self.secrets.token_ok(_cookie(scope)):
            await _refuse(send, 403, "Open the page from fhirmig", _OPEN_AGAIN)
            return
        if scope.get("method") not in ("GET", "HEAD") and not (
            self.origin_ok(_header(scope, b"origin"))
            and _header(scope, b"sec-fetch-site") in (None, "same-origin", "none")
        ):
            await _refuse(send, 403, "Refused", "A form from another page cannot change the diary.")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {name for name, _ in SECURITY_HEADERS}
                ]
                message["headers"] = headers + list(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


_OPEN_AGAIN = (
    "Open the address that <code>fhirmig serve</code> printed when it started "
    "(it begins with http://127.0.0.1 and holds a token)."
)


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, *SECURITY_HEADERS, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _refuse(send: Send, status: int, title: str, text: str) -> None:
    body = _REFUSED.format(title=title, text=text).encode()
    await _send(send, status, body, [(b"content-type", b"text/html; charset=utf-8")])

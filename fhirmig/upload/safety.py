"""What an upload may send where, and how server text is shown.

* :func:`check_server_url` refuses a base URL that would leak: plain ``http`` to another
  machine (patient data in clear text on the network) unless the user says so, and a URL
  holding a user name or password (kept in logs and shell history, printed back in
  messages and receipts).
* :func:`clean_server_text` makes any text a server sent safe to print: no control
  characters (terminal escape sequences, bidirectional overrides), whitespace runs
  collapsed, at most 500 characters. A hostile or broken server cannot repaint the user's
  terminal or bury the summary under megabytes of error page.

No httpx here: the summary and the command import this module cheaply.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from fhirmig.errors import UsageError

__all__ = [
    "DEFAULT_MAX_BODY",
    "LOOPBACK_HOSTS",
    "MAX_SERVER_TEXT",
    "check_server_url",
    "clean_server_text",
    "is_loopback",
    "origin",
    "origin_text",
]

#: The largest answer fhirmig reads (bytes, after decompression).
DEFAULT_MAX_BODY = 50 * 1024 * 1024
#: The longest server text shown on screen or kept in a receipt.
MAX_SERVER_TEXT = 500
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_server_text(value: object, limit: int = MAX_SERVER_TEXT) -> str:
    """``value`` as one printable line: escape sequences and control characters removed,
    whitespace collapsed, cut to ``limit`` characters (an ellipsis marks the cut)."""
    text = _ESCAPE.sub("", str(value))
    text = "".join(
        " "
        if ch in "\t\n\r\x0b\x0c"
        else ""
        if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs")
        else ch
        for ch in text
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    name = (host or "").lower().strip("[]")
    return name in LOOPBACK_HOSTS or name.startswith("127.")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of ``url``, the port filled in for http and https."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def origin_text(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, for messages (never its path or query)."""
    scheme, host, port = origin(url)
    default = {"http": 80, "https": 443}.get(scheme)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{clean_server_text(shown, 200)}" + (
        f":{port}" if port and port != default else ""
    )


def check_server_url(url: str, *, allow_insecure_http: bool = False) -> None:
    """Refuse a server URL that is not http(s), holds credentials, or is plain http to
    another machine (unless ``allow_insecure_http``). Raises :class:`UsageError`."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises for a port that is not a number)
    except ValueError:
        raise UsageError("{server} is not a valid URL", params=("server",)) from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(
            "{server} must be an http(s) URL such as https://ehr.example.org/fhir",
            params=("server",),
        )
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "{server} must not hold a user name or password: they would be sent with every "
            "request and show up in logs and receipts. Give a token with {auth} bearer "
            "(FHIRMIG_TOKEN or {token_file}) or sign in with {auth} smart-backend",
            params=("server", "auth", "token_file"),
        )
    if parts.scheme == "http" and not is_loopback(host) and not allow_insecure_http:
        raise UsageError(
            f"refusing plain http to {origin_text(url)}: patient data would cross the "
            "network unencrypted; use https, or {allow_insecure_http} on a network you trust",
            params=("allow_insecure_http",),
        )

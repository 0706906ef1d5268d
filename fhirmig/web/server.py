"""Running the page: bind 127.0.0.1, print the address, open the browser, serve until Ctrl-C.

The socket is bound before anything is printed, so the address on the first line of
standard output is one that already answers, and ``--port 0`` picks a free port. uvicorn
runs with its access log off and its own messages at warning level: no address, form or
file of the patient is ever written to a log.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from fhirmig.errors import UsageError
from fhirmig.redact import debug_enabled, format_redacted, redact
from fhirmig.web.app import create_app
from fhirmig.web.security import Secrets, loopback_url

__all__ = ["HOST", "NoPatientData", "bind", "serve"]

HOST = "127.0.0.1"


class NoPatientData(logging.Filter):
    """Keeps tracebacks (which may quote a diary's values) out of the server's log.

    An error is logged as one line naming its kind only; ``FHIRMIG_DEBUG=1`` keeps the
    traceback for a developer on their own data, with secrets and patient fields replaced.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Reword a record that carries an exception; let the others through."""
        if record.exc_info and debug_enabled():
            # the traceback, with the secrets and patient fields the server read replaced
            exc = record.exc_info[1]
            record.msg = redact(record.getMessage())
            record.args = ()
            record.exc_text = format_redacted(exc).rstrip("\n") if exc is not None else None
            record.exc_info = None
        elif record.exc_info:
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            record.msg = f"internal error ({kind}); this is a bug in fhirmig, please report it"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_logs() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("fhirmig serve: %(message)s"))
    handler.addFilter(NoPatientData())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers = [handler] if name == "uvicorn" else []
        logger.setLevel(logging.WARNING)
        logger.propagate = name != "uvicorn"


def bind(port: int) -> socket.socket:
    """A listening TCP socket on 127.0.0.1:``port`` (0: a free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # inherited by each connection: no 40 ms wait (Nagle and delayed ACK) on small answers
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise UsageError(f"port {port}: cannot listen on {HOST} ({exc.strerror})") from None
    sock.set_inheritable(True)
    return sock


def serve(
    diary: str | Path,
    *,
    port: int = 0,
    open_browser: bool = True,
    today: Callable[[], date] | None = None,
    out: TextIO | None = None,
) -> None:
    """Serve the page for ``diary`` on 127.0.0.1 until interrupted (Ctrl-C).

    Prints ``http://127.0.0.1:PORT/?token=...`` as the first line of ``out`` (standard
    output), then opens it in the browser unless ``open_browser`` is False.
    """
    import uvicorn

    sock = bind(port)
    actual = sock.getsockname()[1]
    keys = Secrets()
    app = create_app(diary, secrets=keys, port=actual, today=today)
    url = loopback_url(actual, keys.token)
    stream = out or sys.stdout
    print(url, file=stream, flush=True)
    print("Press Ctrl-C to stop.", file=stream, flush=True)
    config = uvicorn.Config(
        app,
        access_log=False,
        log_level="warning",
        log_config=None,
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=2,
        h11_max_incomplete_event_size=64 * 1024,
    )
    _quiet_logs()
    server = uvicorn.Server(config)
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()

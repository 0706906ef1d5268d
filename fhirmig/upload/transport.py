"""How long an upload may take per request, and how much it reads back.

* A **deadline per request** that covers connecting, sending and receiving together.
  httpx's timeouts apply to each socket operation, so a server trickling one byte every
  half second never trips them. :class:`DeadlineTransport` gives httpcore a network
  backend whose every read and write is limited by the time left until the deadline of the
  request in flight (set with :func:`request_deadline`).
* A **size limit** on what is read back (:func:`read_limited`): the body is read in pieces
  and refused as soon as it passes the limit, so a 1.5 GB answer costs 50 MB at most.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from fhirmig.errors import FatalServerError

__all__ = ["DeadlineTransport", "read_limited", "request_deadline"]

# -- deadlines ---------------------------------------------------------------------------

_local = threading.local()


@contextlib.contextmanager
def request_deadline(deadline: float | None) -> Iterator[None]:
    """Within the block, every socket operation of this thread ends by ``deadline``
    (a :func:`time.monotonic` value; None: no deadline)."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield
    finally:
        _local.deadline = previous


def _time_left(timeout: float | None, error: type[Exception]) -> float | None:
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # a large body is written in pieces so that the deadline is checked between them
        for start in range(0, max(len(buffer), 1), 64 * 1024):
            piece = buffer[start : start + 64 * 1024]
            self._inner.write(piece, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport, its sockets bound by :func:`request_deadline`.

    httpx builds its connection pool without a way to pass a network backend, so the pool
    is rebuilt here with the same TLS context and one that keeps the deadline.
    """

    def __init__(self, verify: ssl.SSLContext | bool = True) -> None:
        super().__init__(verify=verify)
        context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context()
        self._pool = httpcore.ConnectionPool(
            ssl_context=context, network_backend=_DeadlineBackend()
        )


def read_limited(response: httpx.Response, limit: int, what: str) -> bytes:
    """The whole body of a streamed ``response``, refused once it passes ``limit`` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise FatalServerError(
            f"{what}: the answer is {_size(int(declared))}, over the limit of {_size(limit)}"
        )
    pieces: list[bytes] = []
    size = 0
    try:
        for piece in response.iter_bytes():
            size += len(piece)
            if size > limit:
                raise FatalServerError(f"{what}: the answer is over the limit of {_size(limit)}")
            pieces.append(piece)
    finally:
        response.close()
    return b"".join(pieces)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"

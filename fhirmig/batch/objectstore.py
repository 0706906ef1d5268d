"""A batch's output in object storage (``s3://``, ``gs://``, ``abfs://``...) through fsspec.

Workers write their parts straight into the store, so a cluster needs no shared file
system. A file becomes visible under its name only when complete: its lines are spooled
to a private local file, uploaded under a temporary key (``.NAME.<random>.tmp`` beside
it) and then moved to its name, which object stores do by a server-side copy. A worker
killed mid-upload therefore leaves at most a temporary key, which the client removes at
the end of the batch; the manifest names only the parts recorded as finished. Small
files the client writes whole (journal entries) are single uploads where the store makes
a single upload atomic (S3, Google Cloud Storage, Azure Blob Storage).

One batch at a time: the client holds a lease, ``.fhirmig-batch/lock.json``, created
only if absent (a conditional write where the store has one) and renewed every
``LEASE_SECONDS / 4``. A lease not renewed for ``LEASE_SECONDS`` belongs to a client that
died, and the next batch (from any machine) takes it over, so ``--resume`` works from the
store alone.

Credentials and endpoints are the file system package's own configuration (for S3 the
standard ``AWS_*`` variables, profile files or an instance role); fhirmig never takes,
reads or prints them.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from fhirmig.batch.store import STATE_DIR, PartWriter, Store
from fhirmig.errors import BatchError, OutputError

__all__ = ["LEASE_SECONDS", "LOCK_NAME", "FsspecStore"]

#: A lease not renewed for this long is taken to belong to a client that died.
LEASE_SECONDS = 60.0
LOCK_NAME = f"{STATE_DIR}/lock.json"
#: Schemes whose single upload of a whole object is atomic (visible only when complete).
_ATOMIC_PUT = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "adl"})
_READ_BATCH = 64


def _fs_of(url: str) -> tuple[Any, str]:
    try:
        url_to_fs = importlib.import_module("fsspec.core").url_to_fs
    except ImportError:
        raise BatchError(
            f"{url}: object storage needs fsspec (pip install 'fhirmig[s3]')"
        ) from None
    try:
        fs, path = url_to_fs(url)
    except ImportError as exc:
        raise BatchError(
            f"{url}: this storage needs a package that is not installed ({exc}); "
            "for S3: pip install 'fhirmig[s3]'"
        ) from None
    except ValueError as exc:
        raise BatchError(f"{url}: cannot open this storage ({exc})") from None
    return fs, str(path).rstrip("/")


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _RemoteWriter:
    """A file spooled locally, uploaded under a temporary key, then moved to its name."""

    def __init__(self, store: FsspecStore, name: str) -> None:
        self.store = store
        self.name = name
        self.size = 0
        self.count = 0
        try:
            self.fh: IO[bytes] = tempfile.TemporaryFile(prefix="fhirmig-part-")
        except OSError as exc:
            raise OutputError(f"{store.url}/{name}: cannot spool ({exc.strerror})") from None

    def write(self, line: bytes) -> None:
        self.fh.write(line)
        self.size += len(line)
        self.count += 1

    def commit(self) -> None:
        try:
            self.fh.seek(0)
            self.store.upload(self.name, self.fh)
        finally:
            self.fh.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.fh.close()


class FsspecStore(Store):
    """A prefix of an fsspec file system, such as ``s3://bucket/export``."""

    def __init__(self, url: str) -> None:
        self.fs, self.root = _fs_of(url)
        self.protocol = url.partition("://")[0]
        self.url = f"{self.protocol}://{self.root}"
        self.location = self.url
        self._listing: set[str] | None = None
        self._lost = False

    @property
    def default_base_url(self) -> str | None:
        return self.url

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def _fail(self, name: str, what: str, exc: BaseException) -> OutputError:
        return OutputError(f"{self.url}/{name}: cannot {what} ({_reason(exc)})")

    def ensure(self, folder: str = "") -> None:
        """Object stores have no folders; check that the place can be written to."""
        if folder:
            return
        try:
            if not self.fs.exists(self.root.split("/", 1)[0]):
                raise OutputError(f"{self.url}: the bucket or container does not exist")
        except OutputError:
            raise
        except Exception as exc:
            raise self._fail("", "reach the store", exc) from None

    def read(self, name: str) -> bytes | None:
        try:
            data: bytes = self.fs.cat_file(self._path(name))
        except Exception:  # absent, or unreadable: the caller treats both as missing
            return None
        return data

    def read_many(self, names: Iterable[str]) -> Iterator[bytes | None]:
        """Fetch ``_READ_BATCH`` names at a time (concurrently on async file systems)."""
        batch: list[str] = []
        for name in names:
            batch.append(name)
            if len(batch) == _READ_BATCH:
                yield from self._cat(batch)
                batch = []
        if batch:
            yield from self._cat(batch)

    def _cat(self, names: list[str]) -> Iterator[bytes | None]:
        paths = [self._path(n) for n in names]
        try:
            found: dict[str, bytes] = self.fs.cat(paths, on_error="omit")
        except Exception:
            found = {}
        for path in paths:
            data = found.get(path)
            yield data if data is not None else self.read(path[len(self.root) + 1 :])

    def write(self, name: str, data: bytes) -> None:
        if self._lost:
            raise BatchError(f"{self.url}: another batch took this store over; stopping")
        if self.protocol in _ATOMIC_PUT:
            try:
                self.fs.pipe_file(self._path(name), data)
            except Exception as exc:
                raise self._fail(name, "write", exc) from None
            self._seen(name)
            return
        with self.writer(name) as fh:
            fh.write(data)

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[IO[bytes]]:
        spool = _RemoteWriter(self, name)
        try:
            yield spool.fh
        except BaseException:
            spool.discard()
            raise
        spool.commit()

    def part(self, name: str) -> PartWriter:
        return _RemoteWriter(self, name)

    def upload(self, name: str, fh: IO[bytes]) -> None:
        """Upload the content of ``fh`` under a temporary key, then move it to ``name``."""
        folder, _, base = name.rpartition("/")
        temp = f"{folder}/" if folder else ""
        temp += f".{base}.{secrets.token_hex(6)}.tmp"
        try:
            with self.fs.open(self._path(temp), "wb") as out:
                shutil.copyfileobj(fh, out, 4 * 1024 * 1024)
        except Exception as exc:
            with contextlib.suppress(Exception):
                self.fs.rm_file(self._path(temp))
            raise self._fail(name, "write", exc) from None
        try:
            self.fs.cp_file(self._path(temp), self._path(name))
            self.fs.rm_file(self._path(temp))
        except Exception as exc:
            with contextlib.suppress(Exception):
                self.fs.rm_file(self._path(temp))
            raise self._fail(name, "move the finished upload to", exc) from None
        self._seen(name)

    def _seen(self, name: str) -> None:
        if self._listing is not None:
            self._listing.add(name)

    def exists(self, name: str) -> bool:
        """Checked against one listing of the whole store, made on the first call."""
        if self._listing is None:
            try:
                self.fs.invalidate_cache(self.root)
                found = self.fs.find(self.root)
            except FileNotFoundError:
                found = []
            except Exception as exc:
                raise self._fail("", "list", exc) from None
            prefix = len(self.root) + 1
            self._listing = {str(p)[prefix:] for p in found}
        return name in self._listing

    def listdir(self, folder: str = "") -> list[str]:
        path = self._path(folder) if folder else self.root
        try:
            self.fs.invalidate_cache(path)
            entries = self.fs.ls(path, detail=True)
        except FileNotFoundError:
            return []
        except Exception as exc:
            raise self._fail(folder, "list", exc) from None
        return [
            str(e["name"]).rstrip("/").rsplit("/", 1)[-1]
            for e in entries
            if e.get("type") == "file"
        ]

    def remove(self, name: str) -> None:
        try:
            self.fs.rm_file(self._path(name))
        except FileNotFoundError:
            pass
        except Exception as exc:
            raise self._fail(name, "remove", exc) from None
        if self._listing is not None:
            self._listing.discard(name)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        lease = _Lease(self)
        lease.acquire()
        try:
            yield
        finally:
            lease.release()


class _Lease:
    """The lease that keeps a second batch off the store while this one runs."""

    def __init__(self, store: FsspecStore) -> None:
        self.store = store
        self.token = secrets.token_hex(16)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, name="fhirmig-lease", daemon=True)

    def _body(self) -> bytes:
        return orjson.dumps({"token": self.token, "renewed": time.time(), "pid": os.getpid()})

    def _held_by(self) -> tuple[str | None, float]:
        data = self.store.read(LOCK_NAME)
        if data is None:
            return None, 0.0
        try:
            raw = orjson.loads(data)
            return str(raw["token"]), float(raw["renewed"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return "?", 0.0

    def acquire(self) -> None:
        store = self.store
        token, renewed = self._held_by()
        if token is not None:
            age = time.time() - renewed
            if age < LEASE_SECONDS:
                raise BatchError(
                    f"{store.url}: another batch is writing to this store (its lease was "
                    f"renewed {max(age, 0):.0f} s ago; a lease not renewed for "
                    f"{LEASE_SECONDS:.0f} s is taken over)"
                )
            store.remove(LOCK_NAME)  # the lease of a client that died
        try:
            store.fs.pipe_file(store._path(LOCK_NAME), self._body(), mode="create")
        except FileExistsError:
            raise BatchError(f"{store.url}: another batch started at the same time") from None
        except Exception as exc:
            raise store._fail(LOCK_NAME, "write", exc) from None
        if self._held_by()[0] != self.token:  # a store without conditional writes
            raise BatchError(f"{store.url}: another batch started at the same time")
        self.thread.start()

    def _renew(self) -> None:
        while not self.stop.wait(LEASE_SECONDS / 4):
            with contextlib.suppress(Exception):
                if self._held_by()[0] != self.token:
                    self.store._lost = True
                    return
                self.store.fs.pipe_file(self.store._path(LOCK_NAME), self._body())

    def release(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()
        with contextlib.suppress(Exception):
            if self._held_by()[0] == self.token:
                self.store.remove(LOCK_NAME)

"""Where a batch writes: a local folder, or a prefix in object storage (an fsspec URL).

Every part of a batch (workers writing NDJSON parts and Bundles, the client writing the
journal, the ledger and the manifest) goes through a :class:`Store`, so the same code
writes to a folder on disk or to ``s3://bucket/export/`` (``gs://``, ``abfs://`` and any
other fsspec file system). Both keep the same promises:

- a file is visible under its name only when complete (local: a temporary file renamed
  over the name; object storage: an upload under a temporary key, then moved);
- one batch at a time writes to a store (local: a POSIX record lock; object storage: a
  lease object renewed while the batch runs, see :mod:`fhirmig.batch.objectstore`);
- the store alone is enough to resume: nothing of a batch is kept on the client.

``file://`` URLs are local folders. Credentials and endpoints of object storage come only
from the file system package's usual configuration (for S3: ``AWS_ENDPOINT_URL``,
``AWS_ACCESS_KEY_ID``..., ``AWS_PROFILE`` and profile files, instance roles).
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

from fhirmig.batch.inputs import is_url
from fhirmig.batch.ndjson import LocalPart
from fhirmig.errors import BatchError, UsageError
from fhirmig.files import FILE_MODE, atomic_write, atomic_writer, ensure_dir

__all__ = ["STATE_DIR", "LocalStore", "PartWriter", "Store", "batch_lock", "open_store"]

#: The sub-folder of a batch's own state: the journal, the start time, the lock.
STATE_DIR = ".fhirmig-batch"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:$")


class PartWriter(Protocol):
    """A file being written: visible under its name only after :meth:`commit`."""

    size: int
    count: int

    def write(self, line: bytes) -> None:
        """Append one NDJSON line."""

    def commit(self) -> None:
        """Make the file visible under its name (raises OutputError)."""

    def discard(self) -> None:
        """Drop what was written; the name keeps its earlier content, if any."""


class Store(abc.ABC):
    """The output location of one batch; names are relative, ``/``-separated."""

    #: what messages and the summary show: the folder, or the URL
    url: str
    #: passed to workers, which open the same store with :func:`open_store`
    location: str

    @property
    @abc.abstractmethod
    def default_base_url(self) -> str | None:
        """The prefix of the manifest's file URLs when the user gives none."""

    @abc.abstractmethod
    def ensure(self, folder: str = "") -> None:
        """Create ``folder`` (the store itself when empty) where the store has folders."""

    @abc.abstractmethod
    def read(self, name: str) -> bytes | None:
        """The bytes of ``name``, or None when it is absent or cannot be read."""

    def read_many(self, names: Iterable[str]) -> Iterator[bytes | None]:
        """The bytes of each name in turn (object storage fetches several at once)."""
        for name in names:
            yield self.read(name)

    @abc.abstractmethod
    def write(self, name: str, data: bytes) -> None:
        """Replace ``name`` with ``data`` atomically."""

    @abc.abstractmethod
    def writer(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        """A file whose content replaces ``name`` when the block ends without error."""

    @abc.abstractmethod
    def part(self, name: str) -> PartWriter:
        """Start writing ``name`` line by line (an NDJSON part)."""

    @abc.abstractmethod
    def exists(self, name: str) -> bool:
        """True when ``name`` is a complete file of the store."""

    @abc.abstractmethod
    def listdir(self, folder: str = "") -> list[str]:
        """The names of the files directly in ``folder`` (empty when it is missing)."""

    @abc.abstractmethod
    def remove(self, name: str) -> None:
        """Remove ``name``; nothing when it is absent."""

    @abc.abstractmethod
    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store for this batch (raises BatchError when another batch holds it)."""

    @property
    def where(self) -> Path | str:
        """The store as the user sees it: a path for a folder, a URL in object storage."""
        return self.url

    def child(self, name: str) -> Path | str:
        """``name`` as the user sees it: a path for a folder, a URL in object storage."""
        return f"{self.url}/{name}"

    def contains(self, location: str) -> bool:
        """True when the input at ``location`` lies inside this store."""
        return location.startswith(self.url + "/")


class LocalStore(Store):
    """A folder on a local (or shared) file system; files are 0600, folders 0700."""

    def __init__(self, root: Path, url: str | None = None) -> None:
        self.root = root
        self.url = url or str(root)
        self.location = url or str(root)
        self._url = url

    @property
    def default_base_url(self) -> str | None:
        return self._url

    def ensure(self, folder: str = "") -> None:
        ensure_dir(self.root / folder if folder else self.root)

    def read(self, name: str) -> bytes | None:
        try:
            return (self.root / name).read_bytes()
        except OSError:
            return None

    def write(self, name: str, data: bytes) -> None:
        atomic_write(self.root / name, data)

    def writer(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        return atomic_writer(self.root / name)

    def part(self, name: str) -> PartWriter:
        return LocalPart(self.root, name)

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def listdir(self, folder: str = "") -> list[str]:
        path = self.root / folder if folder else self.root
        if not path.is_dir():
            return []
        return [p.name for p in path.iterdir()]

    def remove(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return batch_lock(self.root)

    @property
    def where(self) -> Path | str:
        return self.root

    def child(self, name: str) -> Path | str:
        return self.root / name

    def contains(self, location: str) -> bool:
        return not is_url(location) and Path(location).is_relative_to(self.root)


@contextlib.contextmanager
def batch_lock(outdir: Path) -> Iterator[None]:
    """Hold the output folder for one batch at a time.

    A POSIX record lock: held by this process only (worker processes forked from it do
    not inherit it) and released by the system when the process ends, even by SIGKILL.

    Raises:
        BatchError: another batch is writing to ``outdir``.
    """
    state = ensure_dir(outdir / STATE_DIR)
    fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BatchError(f"{outdir}: another batch is writing to this folder") from None
        yield
    finally:
        os.close(fd)


def open_store(outdir: str | os.PathLike[str]) -> Store:
    """The store of ``outdir``: a local folder (a path or ``file://`` URL) or an fsspec URL.

    Raises:
        UsageError: a path whose first part looks like a URL scheme (``s3:/bucket``, what
            ``s3://bucket`` becomes once handled as a path), so that it never becomes a
            folder named ``s3:``.
        BatchError: the file system of the URL is not installed or cannot be opened.
    """
    text = os.fspath(outdir)
    if text.startswith("file://"):
        path = Path(text.removeprefix("file://")).resolve()
        return LocalStore(path, f"file://{path.as_posix()}")
    if is_url(text):
        from fhirmig.batch.objectstore import FsspecStore

        return FsspecStore(text)
    first = text.split("/", 1)[0]
    if _SCHEME.match(first):
        raise UsageError(
            f"{text}: a folder named {first!r} looks like a mangled URL; write "
            f"{first}//... for object storage, or ./{text} for a local folder"
        )
    return LocalStore(Path(text).resolve())

"""Writing output files safely: atomically, readable by the owner only.

Every file fhirmig writes may hold health data, so it is created with mode 0600 and
appears only when complete: content goes to a temporary file in the same folder, is
flushed to disk, then renamed over the target. A crash or kill leaves either the whole
file or none, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from fhirmig.errors import OutputError

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "atomic_write",
    "atomic_writer",
    "ensure_dir",
    "private_tempdir",
]

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and parents) with mode 0700 when missing; return it."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(f"{p}: exists and is not a folder")
    try:
        p.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{p}: cannot create folder ({exc.strerror})") from None
    return p


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[bytes]]:
    """A file object whose content replaces ``path`` only when the block ends without error."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600; return the path."""
    try:
        with atomic_writer(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    return Path(path)


@contextlib.contextmanager
def private_tempdir(prefix: str = "fhirmig-") -> Iterator[Path]:
    """A temporary folder (mode 0700) removed on every exit path."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        os.chmod(path, DIR_MODE)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)

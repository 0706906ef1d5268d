"""Writing output files safely, and reading secrets only from private files.

Every file fhirmig writes may hold health data, so it is created with mode 0600 and
appears only when complete: content goes to a temporary file in the same folder, is
flushed to disk, then renamed over the target. A crash or kill leaves either the whole
file or none, never half of one.

Secrets (de-identification keys, bearer tokens, signing keys) are read only from regular
files that no other user can read or change, as ssh does with its keys.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from fhirmig.errors import FhirmigError, OutputError

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "atomic_write",
    "atomic_writer",
    "create_new_file",
    "ensure_dir",
    "private_tempdir",
    "read_private_file",
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


def create_new_file(
    path: str | os.PathLike[str], data: bytes | Iterable[bytes], what: str = "file"
) -> Path:
    """Write ``data`` (bytes, or pieces of them streamed) to a new file ``path`` (mode 0600,
    whole or not at all); never replace one.

    For files whose loss cannot be undone (a key, the mapping of study codes to patients):
    the content is written to a temporary file, then hard-linked to ``path``, which fails
    when ``path`` exists, even when another process creates it meanwhile.

    Raises:
        OutputError: ``path`` exists (the message says it is never overwritten) or cannot
            be written.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if os.path.lexists(target):
        raise OutputError(f"{target}: already exists; a {what} is never overwritten")
    with private_tempdir(prefix=f".{target.name}.", dir=folder) as tmp:
        draft = tmp / "new"
        try:
            with atomic_writer(draft) as fh:
                for piece in [data] if isinstance(data, bytes) else data:
                    fh.write(piece)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
        try:
            os.link(draft, target)
        except FileExistsError:
            raise OutputError(f"{target}: already exists; a {what} is never overwritten") from None
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    return target


@contextlib.contextmanager
def private_tempdir(
    prefix: str = "fhirmig-", dir: str | os.PathLike[str] | None = None
) -> Iterator[Path]:
    """A temporary folder (mode 0700, in ``dir`` or the system's) removed on every exit path."""
    try:
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=dir))
    except OSError as exc:
        raise OutputError(f"{dir}: cannot write ({exc.strerror})") from None
    try:
        os.chmod(path, DIR_MODE)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def read_private_file(
    path: str | os.PathLike[str],
    what: str,
    *,
    limit: int,
    error: type[FhirmigError],
    missing_hint: str = "",
) -> bytes:
    """The bytes of the secret file at ``path``: a regular file of at most ``limit`` bytes
    that, on POSIX systems, belongs to the user (or root) and only its owner can read or
    change.

    ``what`` names the file in messages (``token file``); problems raise ``error``. The
    file is opened without blocking and checked through the open handle, so a pipe or a
    file swapped after the check cannot hang or slip through.
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(f"{p}: no such {what}{missing_hint}") from None
    except OSError as exc:
        raise error(f"{p}: {what} cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{p}: {what} is not a regular file")
        if os.name == "posix":
            if st.st_uid not in (os.geteuid(), 0):
                raise error(f"{p}: {what} belongs to another user; use a file of your own")
            if st.st_mode & 0o077:
                raise error(
                    f"{p}: {what} can be read or changed by other users "
                    f"(mode {stat.S_IMODE(st.st_mode):04o}); run: chmod 600 {p}"
                )
        if st.st_size > limit:
            raise error(f"{p}: {st.st_size} bytes is too large for a {what}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew after the check
            raise error(f"{p}: too large for a {what}")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{p}: {what} cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)

"""Which diaries a batch reads: files, folders, glob patterns and fsspec URLs, expanded safely.

The expansion is deterministic (sorted by name, duplicates dropped) so that the same
inputs always give the same output layout. Folders are walked without following symbolic
links; a symbolic link met anywhere (given directly, in a folder or from a glob) is not
read but listed as refused, so a link cannot pull a file from outside the folder the user
named into a batch. Files inside the output folder are never taken as inputs, and the
sidecar ``NAME.patient.json`` of a ``NAME.csv`` is the CSV's patient, not a diary.
"""

from __future__ import annotations

import errno
import glob
import importlib
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhirmig.diary.reader import MAX_FILE_BYTES
from fhirmig.errors import BatchError, InputError

__all__ = [
    "DIARY_SUFFIXES",
    "BatchInput",
    "expand_inputs",
    "is_url",
    "iter_inputs",
    "read_input_bytes",
    "sort_key",
]

#: File name endings a folder walk or a glob takes as diaries.
DIARY_SUFFIXES = (".json", ".csv")
_SIDECAR = ".patient.json"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class BatchInput:
    """One input of a batch.

    ``name`` is what the ledger and error messages show (the path as expanded, or the URL);
    ``location`` is where the bytes are read from (an absolute path or a URL). ``refused``
    holds the reason when the input is not read at all (a symbolic link).
    """

    name: str
    location: str
    refused: str | None = None


def is_url(text: str) -> bool:
    """True for an fsspec URL such as ``s3://bucket/key`` (a Windows drive is not a URL)."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").isalnum()


def expand_inputs(
    patterns: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str] | None = None
) -> list[BatchInput]:
    """The diaries named by ``patterns``, sorted by name, each once.

    Nothing inside ``outdir`` (a folder or an fsspec URL) is taken. (A batch itself
    streams the same list through :func:`fhirmig.batch.inputlist.spool_inputs`, which
    keeps it on disk rather than in memory.)

    Raises:
        BatchError: a pattern names nothing (a missing file, a glob without match, an
            empty folder), so that a typo does not pass for an empty batch.
    """
    found: dict[str, BatchInput] = {}
    for item in iter_inputs(patterns, outdir):
        found.setdefault(item.location, item)
    return sorted(found.values(), key=sort_key)


def sort_key(item: BatchInput) -> tuple[str, str]:
    """The order of a batch's inputs: by name, then location."""
    return (item.name, item.location)


def iter_inputs(
    patterns: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str] | None = None
) -> Iterator[BatchInput]:
    """Every input the patterns name, in pattern order, unsorted and possibly repeated.

    Folders are walked lazily, so a folder of millions of diaries is never listed in
    memory at once.

    Raises:
        BatchError: as :func:`expand_inputs`, once the pattern that names nothing is reached.
    """
    out_url = os.fspath(outdir) if outdir is not None and is_url(os.fspath(outdir)) else None
    out_root = Path(outdir).resolve() if outdir is not None and out_url is None else None
    for raw in patterns:
        text = os.fspath(raw)
        items = _expand_url(text, out_url) if is_url(text) else _expand_local(text, out_root)
        empty = True
        for item in items:
            empty = False
            yield item
        if empty and not _named_sidecar(text):
            raise BatchError(f"{text}: no diary found (no such file, or no .json/.csv inside)")


def _expand_local(text: str, out_root: Path | None) -> Iterator[BatchInput]:
    if _GLOB_CHARS.intersection(text):
        for match in glob.iglob(text, recursive=True):
            p = Path(match)
            if p.is_dir() and not p.is_symlink():
                yield from _walk(p, out_root)
            elif _is_diary_name(p) and not _is_sidecar(p):
                yield from _one(p, out_root)
        return
    p = Path(text)
    if p.is_symlink():
        yield BatchInput(p.as_posix(), str(p.absolute()), "is a symbolic link; refused")
    elif p.is_dir():
        yield from _walk(p, out_root)
    elif p.is_file() and not _is_sidecar(p):  # a shell-expanded *.json names sidecars too
        yield from _one(p, out_root)


def _one(p: Path, out_root: Path | None) -> Iterator[BatchInput]:
    if p.is_symlink():
        yield BatchInput(p.as_posix(), str(p.absolute()), "is a symbolic link; refused")
        return
    resolved = p.resolve()
    if out_root is not None and resolved.is_relative_to(out_root):
        return
    yield BatchInput(p.as_posix(), str(resolved))


def _walk(root: Path, out_root: Path | None) -> Iterator[BatchInput]:
    """Walk ``root`` without following links, one directory entry at a time."""
    stack = [root]
    while stack:
        base = stack.pop()
        if out_root is not None and base.resolve().is_relative_to(out_root):
            continue
        try:
            entries = os.scandir(base)
        except OSError:  # unreadable folders are skipped, as os.walk does
            continue
        with entries:
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir()  # a link to a folder counts as a folder here
                except OSError:
                    is_dir = False
                if is_dir:
                    if name.startswith("."):
                        continue
                    link = base / name
                    if entry.is_symlink():
                        yield BatchInput(
                            link.as_posix(), str(link.absolute()), "is a symbolic link; refused"
                        )
                    else:
                        stack.append(link)
                    continue
                p = base / name
                if name.startswith(".") or not _is_diary_name(p) or _is_sidecar(p):
                    continue
                yield from _one(p, out_root)


def _named_sidecar(text: str) -> bool:
    """True for the sidecar of a CSV named on its own (left out, not an error)."""
    p = Path(text)
    return not is_url(text) and p.is_file() and _is_sidecar(p)


def _is_diary_name(p: Path) -> bool:
    return p.name.lower().endswith(DIARY_SUFFIXES)


def _is_sidecar(p: Path) -> bool:
    name = p.name
    if not name.lower().endswith(_SIDECAR):
        return False
    stem = name[: -len(_SIDECAR)]
    return (p.parent / f"{stem}.csv").exists() or (p.parent / f"{stem}.CSV").exists()


def _expand_url(text: str, out_url: str | None) -> Iterator[BatchInput]:
    fs, path = _fs_of(text)
    protocol = text.partition("://")[0]
    fs.invalidate_cache()  # a listing cached earlier in this process may be stale
    if _GLOB_CHARS.intersection(path):
        paths: Iterable[str] = fs.glob(path)
    elif fs.isdir(path):
        paths = fs.find(path)
    elif fs.exists(path):
        paths = [path]
    else:
        paths = []
    for found in paths:
        name = found.rsplit("/", 1)[-1]
        if not name.lower().endswith(DIARY_SUFFIXES) or name.lower().endswith(_SIDECAR):
            continue
        url = found if is_url(found) else f"{protocol}://{found}"
        if out_url is not None and url.startswith(out_url.rstrip("/") + "/"):
            continue
        yield BatchInput(url, url)


def _fs_of(url: str) -> tuple[Any, str]:
    try:
        url_to_fs = importlib.import_module("fsspec.core").url_to_fs
    except ImportError:  # pragma: no cover - fsspec comes with the dask extra
        raise BatchError(
            f"{url}: reading URLs needs fsspec (pip install 'fhirmig[dask]')"
        ) from None
    try:
        fs, path = url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise BatchError(f"{url}: cannot open this storage ({exc})") from None
    return fs, str(path)


def read_input_bytes(item: BatchInput, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of one input, refusing symbolic links, non-regular files and huge files.

    A local file is opened with ``O_NOFOLLOW`` so that a file swapped for a link after the
    expansion is still refused.
    """
    if item.refused:
        raise InputError(f"{item.name}: {item.refused}")
    if is_url(item.location):
        fs, path = _fs_of(item.location)
        try:  # one ranged GET on object stores (opening a file would ask its size first)
            data: bytes = fs.cat_file(path, start=0, end=limit + 1)
        except (OSError, ValueError) as exc:
            raise InputError(f"{item.name}: cannot be read ({exc})") from None
    else:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(item.location, flags)
        except FileNotFoundError:
            raise InputError(f"{item.name}: no such file") from None
        except OSError as exc:
            reason = "is a symbolic link; refused" if exc.errno == errno.ELOOP else exc.strerror
            raise InputError(f"{item.name}: cannot be read ({reason})") from None
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputError(f"{item.name}: not a regular file")
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{item.name}: more than {limit // 1_000_000} MB; refused")
    return data

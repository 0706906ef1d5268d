"""Outputs that never destroy data: checked before any work is done.

An output is refused when it is the same file as something the run reads or keeps (an
input, the key, a template), however the two paths are spelled (another name, a symbolic
or hard link: the device and inode decide), and when it is a pipe, device or socket,
which an atomic rename would silently replace with a regular file. ``-`` names standard
output, for text and JSON always and for a PDF when standard output is not a terminal.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from fhirmig.errors import OutputError, UsageError
from fhirmig.files import atomic_write, private_tempdir

__all__ = [
    "STDOUT",
    "Output",
    "Protected",
    "check_diary_output",
    "check_new_diary",
    "check_output",
    "silence_stdout",
]

#: The output name that means standard output.
STDOUT = "-"

#: A path the run reads or keeps, with the word messages use for it (``input``, ``key``).
Protected = tuple[str, "str | os.PathLike[str] | None"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Output:
    """A checked output: a file path, or standard output when ``path`` is None."""

    path: Path | None
    binary: bool = False

    @property
    def is_stdout(self) -> bool:
        """True when the output is standard output (``-``)."""
        return self.path is None

    @property
    def label(self) -> str:
        """How messages name the output."""
        return "standard output" if self.path is None else str(self.path)

    def write(self, data: bytes) -> None:
        """Write ``data``: atomically with mode 0600 to a file, or to standard output."""
        if self.path is not None:
            atomic_write(self.path, data)
            return
        stream: IO[bytes] = sys.stdout.buffer
        stream.write(data)
        stream.flush()

    def produce(self, make: Callable[[Path], T], name: str = "output") -> T:
        """Run ``make(path)``, a writer of files, against this output; return its result.

        For standard output the writer works on a file ``name`` in a private temporary
        folder whose bytes are then copied out, so a writer that fails half-way (a
        resource refused by the gate) prints nothing.
        """
        if self.path is not None:
            return make(self.path)
        with private_tempdir() as folder:
            draft = folder / name
            result = make(draft)
            self.write(draft.read_bytes())
            return result


def _kind_of(mode: int) -> str | None:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def check_output(
    path: str | os.PathLike[str],
    *,
    protect: Iterable[Protected] = (),
    binary: bool = False,
    folder: bool = False,
    param: str = "output",
) -> Output:
    """The output ``path`` checked against every path in ``protect``; nothing is written.

    ``binary`` outputs (a PDF) go to standard output only when it is not a terminal;
    ``folder`` outputs (NDJSON, a batch) cannot be standard output. ``param`` names the
    option in messages.

    Raises:
        UsageError: ``-`` where it cannot be used.
        OutputError: the output is a pipe, device or socket, or the same file as an
            input, key or template (or a folder holding one that would be replaced).
    """
    if os.fspath(path) == STDOUT:
        if folder:
            raise UsageError(
                "{" + param + "} -: this output is a folder, it cannot be standard output",
                params=(param,),
            )
        if binary and sys.stdout.isatty():
            raise UsageError(
                "{" + param + "} -: a PDF is not written to a terminal; redirect standard "
                "output to a file (> report.pdf) or give a file name",
                params=(param,),
            )
        return Output(None, binary)
    target = Path(path)
    st = _stat(target)
    if st is not None:
        kind = _kind_of(st.st_mode)
        if kind is not None:
            raise OutputError(
                f"{target}: is {kind}; fhirmig writes only regular files "
                "(give a file name, or - for standard output)"
            )
    for role, other in protect:
        if other is None or os.fspath(other) == STDOUT:
            continue
        _refuse_overlap(target, st, role, Path(other), folder)
    return Output(target, binary)


def _refuse_overlap(
    target: Path, st: os.stat_result | None, role: str, other: Path, folder: bool
) -> None:
    ost = _stat(other)
    if ost is None:
        return
    if st is not None and (st.st_dev, st.st_ino) == (ost.st_dev, ost.st_ino):
        raise OutputError(
            f"{target}: is the same file as the {role} {other}; it would be destroyed, "
            "so choose another output"
        )
    if st is not None and stat.S_ISDIR(ost.st_mode) and not folder:
        # a file inside an input or template folder would replace one of its files
        if target.resolve().is_relative_to(other.resolve()):
            raise OutputError(
                f"{target}: lies in the {role} folder {other}; it would replace one of its "
                "files, so choose another output"
            )
    if folder and st is not None and stat.S_ISDIR(st.st_mode) and stat.S_ISREG(ost.st_mode):
        parent = _stat(other.parent if str(other.parent) else Path("."))
        if parent is not None and (parent.st_dev, parent.st_ino) == (st.st_dev, st.st_ino):
            if other.suffix.lower() in (".ndjson", ".json"):
                raise OutputError(
                    f"{target}: holds the {role} {other}, which the output could replace; "
                    "choose another folder"
                )


def check_new_diary(
    path: str | os.PathLike[str], *, force: bool, param: str = "output", into: str = "into"
) -> None:
    """Refuse to replace an existing file with a new diary unless ``force`` is given.

    A new import written over the patient's diary would keep only what the export holds;
    the message points to ``into``, which adds to the diary instead.
    """
    if force or os.fspath(path) == STDOUT:
        return
    p = Path(path)
    if p.exists():
        raise UsageError(
            f"{{{param}}} {p}: the file exists and would be replaced by the import alone; "
            f"to add to that diary use {{{into}}} {p}, or give {{force}} to replace it",
            params=(param, into, "force"),
        )


def check_diary_output(
    path: str | os.PathLike[str], *, what: str = "the diary", param: str = "output"
) -> None:
    """Refuse a ``.csv`` name for a whole diary, which is written as JSON.

    A diary's days, doses, catalogue and patient do not fit the CSV encoding, and JSON
    bytes in a file named ``.csv`` would be read as a broken CSV by a spreadsheet (and by
    any reader that goes by the name).
    """
    if os.fspath(path) != STDOUT and Path(path).suffix.lower() == ".csv":
        raise UsageError(
            f"{{{param}}} {path}: {what} is written as JSON (.json); the CSV encoding "
            "cannot hold its days, doses and catalogue",
            params=(param,),
        )


def silence_stdout() -> None:
    """Point standard output at the null device, after the reader went away (a closed
    pipe) or the disk filled up, so that the flush at exit cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass

"""Reading report templates without leaving their folder: no links, nothing outside.

A clinic's ``--templates`` folder is input the report trusts only as text. Every file the
report reads from it (a template, an included or extended one, ``organisations.json``) is
opened here, and refused when:

- its name is absolute, holds ``..`` or a backslash (it would name a file elsewhere);
- it, or a folder on the way to it, is a symbolic link (a link may point anywhere, so
  ``methods.md.j2 -> /etc/passwd`` is refused rather than followed);
- its real path is not inside the folder, or it is not a regular file (a device, a pipe);
- it is larger than :data:`MAX_TEMPLATE_BYTES`, or not UTF-8 text.

The last path component is opened with ``O_NOFOLLOW`` and checked to be the very file the
walk saw, so a link swapped in between the check and the read is refused too. The folder
itself may be reached through a link: the user named it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateError, TemplateNotFound

__all__ = [
    "MAX_TEMPLATE_BYTES",
    "SealedLoader",
    "TemplateRefused",
    "read_sealed",
]

#: The largest template or organisations list read (the built-in ones are a few kB).
MAX_TEMPLATE_BYTES = 1024 * 1024


class TemplateRefused(TemplateError):
    """A template file that exists but may not be read (a link, outside the folder)."""


def _pieces(name: str) -> list[str]:
    """The path pieces of a template name, or :class:`TemplateRefused` for one leaving it."""
    if name.startswith("/") or "\\" in name or "\x00" in name:
        raise TemplateRefused(f"{name}: not a name inside the templates folder")
    pieces = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in pieces:
        raise TemplateRefused(f"{name}: names a file outside the templates folder (..)")
    if not pieces:
        raise TemplateNotFound(name)
    return pieces


def read_sealed(root: Path, name: str, limit: int = MAX_TEMPLATE_BYTES) -> tuple[str, Path] | None:
    """The text and path of ``name`` inside the folder ``root``, or None when it is not there.

    ``root`` must already be resolved (no link in it). Raises :class:`TemplateRefused` for
    a link, a file outside ``root``, a non-regular or too large file, or text that is not
    UTF-8.
    """
    pieces = _pieces(name)
    path = root
    info: os.stat_result | None = None
    for piece in pieces:
        path = path / piece
        try:
            info = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise TemplateRefused(f"{path}: cannot be read ({exc.strerror})") from None
        if stat.S_ISLNK(info.st_mode):
            raise TemplateRefused(
                f"{path}: is a symbolic link; report templates must be regular files inside "
                f"the templates folder {root}"
            )
    if info is None or stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        raise TemplateRefused(f"{path}: not a regular file")
    if not os.path.realpath(path).startswith(str(root) + os.sep):
        raise TemplateRefused(f"{path}: lies outside the templates folder {root}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise TemplateRefused(f"{path}: cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        opened = os.fstat(fh.fileno())
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise TemplateRefused(f"{path}: changed while it was read; refused")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TemplateRefused(f"{path}: larger than {limit // 1024} kB; refused")
    try:
        return data.decode("utf-8"), path
    except UnicodeDecodeError as exc:
        raise TemplateRefused(
            f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


class SealedLoader(BaseLoader):
    """Templates from a list of folders, the first holding a name winning, read sealed.

    ``served`` maps the path of each template read to its name, so an error raised while
    one renders can name it.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = [Path(os.path.realpath(folder)) for folder in folders]
        self.served: dict[str, str] = {}

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool] | None]:
        for folder in self.folders:
            found = read_sealed(folder, template)
            if found is not None:
                text, path = found
                self.served[str(path)] = template
                return text, str(path), None
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for folder in self.folders:
            names.update(p.name for p in folder.iterdir() if p.is_file())
        return sorted(names)

    def load_text(self, name: str) -> tuple[str, Path] | None:
        """The text and path of a data file (``organisations.json``), read like a template."""
        for folder in self.folders:
            found = read_sealed(folder, name)
            if found is not None:
                return found
        return None

"""Reading form bodies with size limits; uploaded files are streamed into a private folder.

A form body is read as it arrives and refused as soon as it passes its limit, so a huge or
endless upload costs no more than the limit. Uploaded files are written straight into a
folder only the user can open (``fhirmig.files.private_tempdir``), which the route removes
when it is done, on every path: nothing of an export stays on disk.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

__all__ = [
    "APPLE_HEALTH_LIMIT",
    "FORM_LIMIT",
    "UPLOAD_LIMIT",
    "BadBody",
    "BodyTooLarge",
    "Form",
    "Upload",
    "read_body",
]

#: An export dropped on the page: Migraine Buddy, Fitbit, a daily CSV, a diary.
UPLOAD_LIMIT = 50 * 1024 * 1024
#: An Apple Health export.zip, which holds years of every sensor's samples.
APPLE_HEALTH_LIMIT = 500 * 1024 * 1024
#: A form without files (an attack, a day entry): far more than any real entry.
FORM_LIMIT = 1024 * 1024
_FIELD_LIMIT = 256 * 1024
_MAX_FIELDS = 2000


class BodyTooLarge(Exception):
    """The body passed its limit; nothing of it was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit // 2**20} MB")
        self.limit = limit


class BadBody(Exception):
    """The body is not a form this page sends."""


@dataclass(frozen=True)
class Upload:
    """A file of the form, already on disk in the private folder."""

    field: str
    filename: str
    path: Path
    size: int


@dataclass
class Form:
    """The fields of a form (in order, repeated names kept) and its uploaded files."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[Upload] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        """The first value of ``name``, stripped, or ``default``."""
        for key, value in self.fields:
            if key == name:
                return value.strip()
        return default

    def getall(self, name: str) -> list[str]:
        """Every value of ``name`` (checkboxes, multiple selects)."""
        return [value for key, value in self.fields if key == name]

    def names(self) -> set[str]:
        """Every field name present."""
        return {key for key, _ in self.fields}

    def file(self, name: str) -> Upload | None:
        """The uploaded file of field ``name`` (a non-empty one), or None."""
        for upload in self.files:
            if upload.field == name and upload.size > 0:
                return upload
        return None


async def _limited(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge(limit)
        yield chunk


async def read_body(
    content_type: str,
    content_length: str | None,
    chunks: AsyncIterator[bytes],
    *,
    limit: int,
    folder: Path | None = None,
) -> Form:
    """Read a urlencoded or multipart form of at most ``limit`` bytes.

    Files are written into ``folder`` (required for multipart bodies with files).
    Raises :class:`BodyTooLarge` or :class:`BadBody`.
    """
    if content_length is not None:
        try:
            if int(content_length) > limit:
                raise BodyTooLarge(limit)
        except ValueError:
            raise BadBody("bad Content-Length") from None
    kind, options = parse_options_header(content_type)
    body = _limited(chunks, limit)
    if kind == b"application/x-www-form-urlencoded":
        data = b"".join([chunk async for chunk in body])
        try:
            pairs = parse_qsl(data.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise BadBody("not UTF-8") from None
        if len(pairs) > _MAX_FIELDS:
            raise BadBody("too many fields")
        return Form(fields=pairs)
    if kind == b"multipart/form-data" and b"boundary" in options:
        return await _multipart(options[b"boundary"], body, folder)
    raise BadBody("not a form")


class _Parts:
    """Callbacks of the streaming multipart parser: fields in memory, files on disk."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.form = Form()
        self.header_name = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.filename: str | None = None
        self.buffer = bytearray()
        self.out: IO[bytes] | None = None
        self.path: Path | None = None
        self.size = 0
        self.count = 0

    def begin(self) -> None:
        self.headers, self.header_name, self.header_value = {}, b"", b""
        self.buffer, self.out, self.path, self.size = bytearray(), None, None, 0
        self.count += 1
        if self.count > _MAX_FIELDS:
            raise BadBody("too many parts")

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def header_val(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def headers_done(self) -> None:
        _, opts = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = opts.get(b"name", b"").decode("utf-8", "replace")
        raw = opts.get(b"filename")
        self.filename = None if raw is None else raw.decode("utf-8", "replace")
        if self.filename is not None:
            if self.folder is None:
                raise BadBody("this form takes no files")
            # The name on disk is ours; only the suffix of the user's name is kept.
            suffix = "".join(Path(os.path.basename(self.filename)).suffixes[-2:])[:16]
            self.path = self.folder / f"upload-{self.count}{suffix.lower()}"
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self.out = os.fdopen(fd, "wb")

    def data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
            self.size += end - start
        else:
            self.buffer += data[start:end]
            if len(self.buffer) > _FIELD_LIMIT:
                raise BadBody("a field is too long")

    def end(self) -> None:
        if self.out is not None and self.path is not None:
            self.out.close()
            self.form.files.append(Upload(self.name, self.filename or "", self.path, self.size))
            self.out = None
        else:
            try:
                self.form.fields.append((self.name, self.buffer.decode("utf-8")))
            except UnicodeDecodeError:
                raise BadBody("a field is not UTF-8") from None

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


async def _multipart(boundary: bytes, body: AsyncIterator[bytes], folder: Path | None) -> Form:
    parts = _Parts(folder)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": parts.begin,
            "on_header_field": parts.header_field,
            "on_header_value": parts.header_val,
            "on_header_end": parts.header_end,
            "on_headers_finished": parts.headers_done,
            "on_part_data": parts.data,
            "on_part_end": parts.end,
        },
    )
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except (BodyTooLarge, BadBody):
        raise
    except Exception as exc:  # the parser's own errors: a malformed body
        raise BadBody(type(exc).__name__) from None
    finally:
        parts.close()
    return parts.form

"""Reading a diary file (JSON or CSV) into a checked :class:`Diary`, or every problem in it.

A diary is refused whole: :class:`DiaryError` carries every problem found, each located
by JSON path or CSV line and column. Size limits are checked before anything is parsed so
that a huge or hostile file costs little memory.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from fhirmig.diary.checks import cross_check, problems_from
from fhirmig.diary.model import SUPPORTED_FORMATS, Diary
from fhirmig.diary.timeparse import zone
from fhirmig.errors import DiaryError, InputError, Problem
from fhirmig.wording import excerpt

__all__ = [
    "MAX_ATTACKS",
    "MAX_FILE_BYTES",
    "decode_utf8",
    "diary_from_raw",
    "parse_diary_json",
    "read_bytes",
    "read_diary",
    "strict_json",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ATTACKS = 100_000


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or :class:`InputError`."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})") from None
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a diary file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{p}: not a regular file (a device, pipe or socket cannot be read)")
    if st.st_size > limit:
        raise InputError(
            f"{p}: file is {st.st_size / 2**20:.1f} MB; diaries larger than {limit // 2**20} MB "
            "are refused (split it by year)"
        )
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{p}: more than {limit // 2**20} MB; refused")
    return data


def decode_utf8(data: bytes, file: str) -> str:
    """Decode UTF-8 (a byte-order mark is dropped); refuse other encodings, naming the byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DiaryError.single(
            file,
            f"line {line}",
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded "
            "(save the file as UTF-8)",
        ) from None
    return text.removeprefix("\ufeff")


def strict_json(text: str, file: str) -> Any:
    """The value of the JSON ``text`` of ``file`` by the rules every input keeps (no NUL, no
    key twice in an object, no NaN; see :mod:`fhirmig.diary.jsontext`), or DiaryError."""
    from fhirmig.diary.jsontext import JsonTextError, loads_strict

    try:
        return loads_strict(text)
    except JsonTextError as exc:
        raise DiaryError.single(file, exc.location, exc.message) from None


def diary_from_raw(raw: Any, file: str, locate: Any = None) -> Diary:
    """Check parsed JSON data (or data built from CSV) and make the model.

    ``locate`` turns a model location into the text shown to the user; by default a JSON
    path. Raises :class:`DiaryError` with every problem.
    """
    from fhirmig.diary.checks import json_path

    loc = locate or json_path
    if not isinstance(raw, dict):
        raise DiaryError.single(file, "", "a diary is a JSON object ({...}) at the top level")
    fmt = raw.get("format")
    if "format" not in raw:
        raise DiaryError.single(file, "format", "required field is missing (fhirmig-diary/1)")
    if fmt not in SUPPORTED_FORMATS:
        raise DiaryError.single(
            file,
            "format",
            f"unknown format {excerpt(fmt)}; this build of fhirmig reads "
            + ", ".join(repr(f) for f in SUPPORTED_FORMATS),
        )
    attacks = raw.get("attacks")
    if isinstance(attacks, list) and len(attacks) > MAX_ATTACKS:
        raise DiaryError.single(
            file,
            "attacks",
            f"{len(attacks)} attacks; at most {MAX_ATTACKS:,} are read from one diary",
        )
    patient = raw.get("patient")
    tz_name = patient.get("timezone", "UTC") if isinstance(patient, dict) else "UTC"
    try:
        tz = zone(tz_name)
    except (ValueError, TypeError):
        tz = zone("UTC")  # reported by the model at patient.timezone
    problems: list[Problem] = []
    diary: Diary | None = None
    datetimes: dict[str, Any] = {}  # filled by the model, read again by the cross-checks
    try:
        diary = Diary.model_validate(raw, context={"tz": tz, "datetimes": datetimes})
    except ValidationError as exc:
        problems.extend(problems_from(exc, file, loc))
    except RecursionError:
        problems.append(Problem(file, "", "nested too deeply"))
    problems.extend(cross_check(raw, file, loc, datetimes))
    if problems:
        problems.sort(key=lambda p: _order(p.location))
        raise DiaryError(_unique(problems))
    if diary is None:  # pragma: no cover - the model failed, so problems were found
        raise DiaryError.single(file, "", "invalid diary")
    return diary


def _order(location: str) -> tuple[Any, ...]:
    import re

    parts = re.findall(r"\d+|[^\d\[\].,]+", location)
    return tuple((0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t) for t in parts)


def _unique(problems: Sequence[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


_UNPARSED: Any = object()


def _quick_loads(data: bytes, parsed: Any) -> Any:
    """The JSON of ``data`` through orjson in one pass (``parsed``: already done), or
    ``_UNPARSED`` when only the strict reader (:func:`strict_json`) can tell: orjson
    refuses it (the strict reader says where and why), it may hold an escaped NUL, or an
    object may repeat a key, which orjson would keep silently.

    Outside strings a colon only ever follows a key, and orjson writes every colon of a
    string as it is, so re-serialised JSON holds as many colons as the file, less one per
    repeated key and plus one per colon the file escaped (counted generously: the file's
    ``\\u003a`` texts). Equal counts therefore mean no key was repeated.
    """
    if b"\\u0000" in data:  # perhaps an escaped NUL, which the strict reader refuses
        return _UNPARSED
    if parsed is _UNPARSED:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return _UNPARSED
    escaped = data.count(b"\\u003a") + data.count(b"\\u003A")
    try:
        again = orjson.dumps(parsed)
    except TypeError:  # nested deeper than orjson writes: the careful reader refuses it
        return _UNPARSED
    if data.count(b":") + escaped != again.count(b":"):
        return _UNPARSED
    return parsed


def parse_diary_json(data: bytes, file: str = "<diary>", *, parsed: Any = _UNPARSED) -> Diary:
    """A diary from the bytes of its JSON encoding.

    ``parsed`` is ``orjson.loads(data)`` when the caller has it already (it looked whether
    the file is a Bundle), so the file is parsed once.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{file}: more than {MAX_FILE_BYTES // 2**20} MB; refused")
    raw = _quick_loads(data, parsed)
    if raw is not _UNPARSED:
        return diary_from_raw(raw, file)
    return diary_from_raw(strict_json(decode_utf8(data, file), file), file)


def read_diary(
    path: str | os.PathLike[str],
    *,
    patient: dict[str, Any] | None = None,
    medications: list[dict[str, Any]] | None = None,
) -> Diary:
    """Read a diary file: ``.csv`` as the CSV encoding, anything else as JSON.

    For CSV, ``patient`` (the JSON ``patient`` object) and ``medications`` (a catalogue)
    override the sidecar ``NAME.patient.json``; see :func:`fhirmig.diary.csvformat.parse_diary_csv`.

    Raises:
        InputError: the file cannot be read or is too large.
        DiaryError: the diary breaks the format; every problem is listed.
    """
    p = Path(path)
    data = read_bytes(p)
    if p.suffix.lower() == ".csv":
        from fhirmig.diary.csvformat import parse_diary_csv, read_sidecar

        side_patient, side_meds = read_sidecar(p)
        return parse_diary_csv(
            data,
            str(p),
            patient=patient if patient is not None else side_patient,
            medications=medications if medications is not None else side_meds,
            default_id=p.stem,
        )
    return parse_diary_json(data, str(p))

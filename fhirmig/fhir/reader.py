"""Reading FHIR back: a Bundle JSON file or an NDJSON folder, and any input to a Diary.

Bundle references written ``urn:uuid:<id>`` are turned back into ``Type/<id>`` through the
entries' ``fullUrl``; then every reference must point at a resource that was read, else a
:class:`MappingError` names the resource and the reference.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from fhirmig.diary.model import Diary
from fhirmig.errors import MappingError
from fhirmig.wording import excerpt

__all__ = ["MAX_FHIR_BYTES", "load_input", "parse_input", "read_fhir"]

MAX_FHIR_BYTES = 512 * 1024 * 1024


def _read(path: Path) -> bytes:
    from fhirmig.diary.reader import read_bytes

    return read_bytes(path, limit=MAX_FHIR_BYTES)


def _strict(data: bytes, file: str | Path, where: str = "") -> Any:
    """JSON by the rules every input keeps (no NUL, no key twice, no NaN), or MappingError.

    FHIR input is read by these rules as diary JSON is: with a key twice in one object
    (``"gender": "female", "gender": "male"``) readers disagree on which one holds, so the
    file is refused rather than read one way here and another way elsewhere.
    """
    from fhirmig.diary.jsontext import JsonTextError, loads_strict

    prefix = f"{file}: {where}" if where else f"{file}: "
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise MappingError(f"{prefix}not JSON: byte {exc.start} is not UTF-8") from None
    try:
        return loads_strict(text)
    except JsonTextError as exc:
        location = f"{exc.location}: " if exc.location and not where else ""
        raise MappingError(f"{prefix}{location}{exc.message}") from None


def _refs(value: Any) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reference" and isinstance(v, str):
                yield value, v
            elif isinstance(v, (dict, list)):
                yield from _refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v)


def _from_bundle(data: Any, file: str) -> list[dict[str, Any]]:
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise MappingError(f"{file}: Bundle.entry is not a list")
    resources: list[dict[str, Any]] = []
    by_url: dict[str, str] = {}
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise MappingError(f"{file}: Bundle.entry[{i}]: no resource")
        if not isinstance(res.get("id"), str):
            raise MappingError(f"{file}: Bundle.entry[{i}]: {res['resourceType']} without id")
        url = entry.get("fullUrl")
        if isinstance(url, str):
            by_url[url] = f"{res['resourceType']}/{res['id']}"
        resources.append(res)
    for res in resources:
        for holder, ref in _refs(res):
            if ref in by_url:
                holder["reference"] = by_url[ref]
    return resources


def _ndjson_lines(data: bytes, path: str | Path) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = []
    for n, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        res = _strict(line, path, f"line {n}: ")
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise MappingError(f"{path}: line {n}: not a FHIR resource (no resourceType)")
        if not isinstance(res.get("id"), str):
            raise MappingError(f"{path}: line {n}: {res['resourceType']} without id")
        resources.append(res)
    return resources


def _from_ndjson(files: list[Path]) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = []
    for path in files:
        resources.extend(_ndjson_lines(_read(path), path))
    return resources


def _check_references(resources: list[dict[str, Any]], source: str) -> None:
    known = {f"{r['resourceType']}/{r['id']}" for r in resources}
    for res in resources:
        for _, ref in _refs(res):
            if ref not in known:
                raise MappingError(
                    f"{source}: {res['resourceType']}/{res['id']}: reference {excerpt(ref)} "
                    "points at no resource in the input"
                )


def read_fhir(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The resources of a Bundle JSON file, an NDJSON file, or a folder of ``*.ndjson``.

    References come back as ``Type/id``. Raises :class:`MappingError` for an unknown shape
    or a dangling reference, :class:`InputError` when the path cannot be read.
    """
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.ndjson"))
        if not files:
            raise MappingError(f"{p}: folder holds no .ndjson files")
        resources = _from_ndjson(files)
    elif p.suffix.lower() == ".ndjson":
        resources = _from_ndjson([p])
    else:
        data = _strict(_read(p), p)
        if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
            raise MappingError(f"{p}: not a FHIR Bundle (expected resourceType 'Bundle')")
        resources = _from_bundle(data, str(p))
    if not resources:
        raise MappingError(f"{p}: holds no resources")
    _check_references(resources, str(p))
    return resources


def parse_input(data: bytes, file: str) -> Diary:
    """A Diary from the bytes of a diary JSON file, fhirmig's Bundle, or NDJSON (by name).

    ``file`` names the input in messages; a name ending ``.ndjson`` is read as NDJSON, a
    JSON object whose ``resourceType`` is ``Bundle`` as a Bundle, anything else as a diary
    (whose reader says where the JSON breaks). Batch workers and :func:`load_input` share it,
    so a file is read the same way by every command.
    """
    from fhirmig.diary.reader import parse_diary_json

    if file.lower().endswith(".ndjson"):
        resources = _ndjson_lines(data, file)
    else:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            parsed = None  # the diary reader reports where the JSON breaks
        if not (isinstance(parsed, dict) and parsed.get("resourceType") == "Bundle"):
            if parsed is None:
                return parse_diary_json(data, file)
            return parse_diary_json(data, file, parsed=parsed)
        resources = _from_bundle(_strict(data, file), file)
    if not resources:
        raise MappingError(f"{file}: holds no resources")
    _check_references(resources, file)
    from fhirmig.fhir.reverse import resources_to_diary  # not needed to read a diary

    return resources_to_diary(resources, source=file)


def load_input(path: str | os.PathLike[str]) -> Diary:
    """A Diary from any input fhirmig reads: diary JSON or CSV, or fhirmig's FHIR.

    A folder or ``.ndjson`` file is read as NDJSON, a JSON file whose top-level
    ``resourceType`` is ``Bundle`` as a Bundle, anything else as a diary.
    """
    from fhirmig.diary.reader import read_diary
    from fhirmig.fhir.reverse import resources_to_diary

    p = Path(path)
    if p.is_dir():
        return resources_to_diary(read_fhir(p), source=str(p))
    if p.suffix.lower() == ".csv":
        return read_diary(p)
    return parse_input(_read(p), str(p))

"""What a path holds, told from its content (its first bytes, a folder's names), not its name.

This is fhirmig's one detector of inputs: the importers use it to refuse the wrong file,
and the application layer (:func:`fhirmig.app.detect_input`) to open every input of every
command. A user who gives ``fhirmig import migraine-buddy`` a PDF, ``fhirmig import
apple-health`` an Excel workbook or ``fhirmig report`` a Migraine Buddy export gets one
line that says what the file is and which command reads it, not hundreds of "is not a
date" lines. Only the start of a file is read (and its last 4 kB, where a streamed Bundle
names its type; for a zip archive, the start of its members), so detecting a gigabyte
export costs nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from fhirmig.errors import ImportSourceError, InputError

__all__ = [
    "HEAD_BYTES",
    "Kind",
    "Sniffed",
    "apple_members",
    "detect",
    "refuse_unless",
    "sidecar_owner",
    "sniff",
]

HEAD_BYTES: Final = 64 * 1024

Kind = Literal[
    "pdf",
    "xlsx",
    "zip-apple-health",
    "zip",
    "apple-health-xml",
    "xml",
    "fhirmig-diary",
    "diary-sidecar",
    "fhir-bundle",
    "fhir-resource",
    "fhir-ndjson",
    "json",
    "migraine-buddy-html",
    "html",
    "migraine-buddy-csv",
    "diary-csv",
    "daily-csv",
    "csv",
    "fitbit-sleep-json",
    "fitbit-sleep-csv",
    "diary-folder",
    "ndjson-folder",
    "empty-folder",
    "text",
    "empty",
    "binary",
]

#: What each kind is, in words, and which command reads it.
_SAYS: Final[dict[str, tuple[str, str]]] = {
    "pdf": (
        "a PDF document",
        "fhirmig reads Migraine Buddy's CSV export or its HTML report, not a PDF "
        "(fhirmig import migraine-buddy)",
    ),
    "xlsx": (
        "an Excel workbook (XLSX)",
        "save it as CSV (UTF-8) first; then fhirmig import daily-csv reads daily values, "
        "and fhirmig validate / stats / report read a CSV diary",
    ),
    "zip-apple-health": ("an Apple Health export (zip)", "fhirmig import apple-health reads it"),
    "zip": (
        "a zip archive",
        "none of its files holds <HealthData>; fhirmig import apple-health reads the "
        "export.zip that Health's Export All Health Data writes",
    ),
    "apple-health-xml": ("an Apple Health export", "fhirmig import apple-health reads it"),
    "xml": ("an XML file", "only an Apple Health export is read (fhirmig import apple-health)"),
    "fhirmig-diary": (
        "a fhirmig diary",
        "fhirmig validate, stats, convert and report read it as it is; an export is "
        "imported into it",
    ),
    "diary-sidecar": ("the patient file of a CSV diary", "give the CSV diary instead"),
    "fhir-bundle": (
        "a FHIR Bundle",
        "fhirmig stats and report read fhirmig's own FHIR; fhirmig convert writes it",
    ),
    "fhir-resource": ("a single FHIR resource", "fhirmig reads FHIR as its own Bundle or NDJSON"),
    "fhir-ndjson": (
        "FHIR NDJSON",
        "fhirmig stats and report read fhirmig's own FHIR; fhirmig convert writes it",
    ),
    "json": ("a JSON file", "no fhirmig import reads it"),
    "migraine-buddy-html": (
        "a Migraine Buddy report (HTML)",
        "fhirmig import migraine-buddy reads it",
    ),
    "html": (
        "a web page",
        "fhirmig import migraine-buddy reads the CSV export or the saved 'For my doctor' "
        "report of Migraine Buddy, and this page is neither",
    ),
    "migraine-buddy-csv": ("a Migraine Buddy export", "fhirmig import migraine-buddy reads it"),
    "fitbit-sleep-json": ("Fitbit sleep logs (JSON)", "fhirmig import fitbit-sleep reads it"),
    "fitbit-sleep-csv": ("a Fitbit sleep export (CSV)", "fhirmig import fitbit-sleep reads it"),
    "diary-csv": (
        "a fhirmig CSV diary",
        "fhirmig validate, stats, convert and report read it as it is",
    ),
    "daily-csv": ("a daily CSV (one row per day)", "fhirmig import daily-csv reads it"),
    "csv": (
        "a CSV file",
        "fhirmig import daily-csv reads daily values, told which column is which",
    ),
    "diary-folder": (
        "a folder of diaries",
        "fhirmig batch converts it, fhirmig validate checks it",
    ),
    "ndjson-folder": ("a folder of FHIR NDJSON", "fhirmig stats and report read it"),
    "empty-folder": ("a folder without diaries or NDJSON", ""),
    "text": ("a text file", ""),
    "empty": ("an empty file", ""),
    "binary": ("a binary file, not text", "no fhirmig command reads it"),
}


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The kind of a file and the words for it."""

    kind: Kind
    path: Path

    def line(self, wanted: str = "an export this command reads") -> str:
        """``FILE: looks like X, not WANTED; Y`` — what it is and which command reads it."""
        what, reader = _SAYS[self.kind]
        text = f"{self.path}: looks like {what}, not {wanted}"
        return f"{text}; {reader}" if reader else text


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not an export") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def apple_members(archive: zipfile.ZipFile) -> list[str]:
    """The members of a zip that are Apple Health exports, told by ``<HealthData`` near
    their start (localised exports are called ``exportar.xml``, ``eksport.xml``, ...)."""
    found: list[str] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        try:
            with archive.open(info) as fh:
                head = fh.read(HEAD_BYTES)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
            continue  # an encrypted or damaged member is not an export we can read
        if b"<HealthData" in head:
            found.append(info.filename)
    return found


_SIDECAR: Final = ".patient.json"
_RESOURCE_TYPE: Final = re.compile(r'"resourceType"\s*:\s*"([A-Za-z]+)"')
_TAIL_BYTES: Final = 4096


def sidecar_owner(path: Path) -> Path | None:
    """The CSV diary whose sidecar ``path`` is (``NAME.csv`` for ``NAME.patient.json``)."""
    name = path.name
    if not name.lower().endswith(_SIDECAR):
        return None
    stem = name[: -len(_SIDECAR)]
    for suffix in (".csv", ".CSV"):
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def _json_kind(text: str, tail: str) -> Kind:
    """A JSON file's kind: a diary, a Bundle or other resource, Fitbit's sleep logs.

    Only the start was read (and ``tail``, the last bytes: fhirmig writes a Bundle's keys
    sorted, so its ``resourceType`` comes last).
    """
    try:
        obj = json.loads(text)
    except ValueError:
        obj = None  # longer than the part read, or broken: told by its first keys
    low = text[:4096].lower()
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        if "minutesAsleep" in obj[0] or "dateOfSleep" in obj[0]:
            return "fitbit-sleep-json"
    if obj is None and '"dateofsleep"' in low and '"minutesasleep"' in low:
        return "fitbit-sleep-json"
    if isinstance(obj, dict):
        if str(obj.get("format", "")).startswith("fhirmig-diary"):
            return "fhirmig-diary"
        if "resourceType" in obj:
            return "fhir-bundle" if obj["resourceType"] == "Bundle" else "fhir-resource"
        return "json"
    if obj is None and text.startswith("{"):
        if re.match(r'\{\s*"entry"\s*:', text):
            return "fhir-bundle"
        match = _RESOURCE_TYPE.search(text)
        if match is not None and "{" not in text[1 : match.start()]:  # the first key
            return "fhir-bundle" if match.group(1) == "Bundle" else "fhir-resource"
        last = list(_RESOURCE_TYPE.finditer(tail))
        if last and last[-1].group(1) == "Bundle" and "{" not in tail[last[-1].end() :]:
            return "fhir-bundle"
        if '"format"' in low[:200] and "fhirmig-diary" in low[:400]:
            return "fhirmig-diary"
    return "json"


def _table_kind(text: str, suffix: str) -> Kind:
    """A table's kind from its header: fhirmig's columns, an app's export, daily values."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    low = first.lower()
    cells: list[str] = []
    for delimiter in (",", ";", "\t"):
        row = next(csv.reader(io.StringIO(low), delimiter=delimiter), [])
        if len(row) > len(cells):
            cells = row
    names = {c.strip().strip('"') for c in cells}
    head = text[:4096].lower()
    if low.strip('", ') == "sleep":
        return "fitbit-sleep-csv"
    if low.strip('" ').startswith(("health events", "attacks")):
        return "migraine-buddy-csv"
    if {"start", "intensity"} <= names:
        return "diary-csv"
    if (
        any("started" in c for c in names)
        or {"time period", "description"} <= names
        or ("started" in head and ("pain level" in head or "lasted" in head))
    ):
        return "migraine-buddy-csv"
    if "date" in names and "start" not in names:
        return "daily-csv"
    return "csv" if suffix == ".csv" or len(names) > 1 else "text"


def _text_kind(head: bytes, tail: bytes, suffix: str) -> Kind:
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n")
    low = text[:4096].lower()
    if low.startswith(("<!doctype html", "<html")) or "<html" in low[:1024]:
        lowered = text.lower()
        markers = ("migraine buddy", "migrainebuddy", "healint", "migraine listing")
        return "migraine-buddy-html" if any(m in lowered for m in markers) else "html"
    if low.startswith("<"):
        return "apple-health-xml" if "<healthdata" in text.lower() else "xml"
    if suffix == ".ndjson":
        return "fhir-ndjson"
    if low.startswith(("{", "[")):
        return _json_kind(text, tail.decode("utf-8", errors="ignore"))
    return _table_kind(text, suffix)


def _kind(p: Path, head: bytes, tail: bytes) -> Kind:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK") and zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    return "xlsx"
                return "zip-apple-health" if apple_members(archive) else "zip"
        except (OSError, zipfile.BadZipFile) as exc:
            raise InputError(f"{p}: cannot be read ({exc})") from None
    if b"\x00" in head[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    if not head.strip():
        return "empty"
    if p.name.lower().endswith(_SIDECAR) and sidecar_owner(p) is not None:
        return "diary-sidecar"
    return _text_kind(head, tail, p.suffix.lower())


def _tail(path: Path, size: int) -> bytes:
    if size <= HEAD_BYTES:
        return b""
    with path.open("rb") as fh:
        fh.seek(max(HEAD_BYTES, size - _TAIL_BYTES))
        return fh.read(_TAIL_BYTES)


def _folder_kind(path: Path) -> Kind:
    try:
        with os.scandir(path) as entries:
            found = [(e.name.lower(), e.is_dir()) for e in entries if not e.name.startswith(".")]
    except OSError:
        return "empty-folder"
    if any(n.endswith(".ndjson") for n, _ in found):
        return "ndjson-folder"
    if any(n.endswith((".json", ".csv")) or is_dir for n, is_dir in found):
        return "diary-folder"  # batch walks sub-folders
    return "empty-folder"


def sniff(path: str | Path) -> Sniffed:
    """What the file at ``path`` holds (see :data:`Kind`).

    Raises:
        InputError: the path is missing, a folder, or cannot be read.
    """
    p = Path(path)
    head = _head(p)
    try:
        tail = _tail(p, p.stat().st_size)
    except OSError:
        tail = b""
    return Sniffed(_kind(p, head, tail), p)


def detect(path: str | os.PathLike[str]) -> Kind | None:
    """What any input path holds: a folder's kind from its names, a file's from its content.

    None when the path cannot be read (missing, no permission): the reader then says why.
    """
    p = Path(path)
    if p.is_dir():
        return _folder_kind(p)
    try:
        return sniff(p).kind
    except InputError:
        return None


def refuse_unless(path: str | Path, accepted: frozenset[str], wanted: str) -> Sniffed:
    """The file's kind, or :class:`ImportSourceError` with one line when it is not accepted.

    ``wanted`` names what the command reads (``an Apple Health export``).
    """
    found = sniff(path)
    if found.kind not in accepted:
        raise ImportSourceError(found.line(wanted))
    return found

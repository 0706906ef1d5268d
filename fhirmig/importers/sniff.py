"""What a file given to an importer looks like, told from its first bytes, not its name.

A user who gives ``fhirmig import migraine-buddy`` a PDF, ``fhirmig import apple-health``
an Excel workbook or a fhirmig diary to an importer should get one line that says what the
file is and which command reads it, not hundreds of "is not a date" lines. Only the start
of the file is read (and, for a zip archive, the start of its members), so sniffing a
gigabyte export costs nothing.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from fhirmig.errors import ImportSourceError, InputError

__all__ = ["HEAD_BYTES", "Kind", "Sniffed", "apple_members", "refuse_unless", "sniff"]

HEAD_BYTES: Final = 64 * 1024

Kind = Literal[
    "pdf",
    "xlsx",
    "zip-apple-health",
    "zip",
    "apple-health-xml",
    "xml",
    "fhirmig-diary",
    "fhir",
    "json",
    "migraine-buddy-html",
    "html",
    "migraine-buddy-csv",
    "diary-csv",
    "fitbit-sleep-json",
    "fitbit-sleep-csv",
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
    "fhir": (
        "FHIR JSON",
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


def _text_kind(head: bytes) -> Kind:
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
    if low.startswith(("{", "[")):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, list) and obj and isinstance(obj[0], dict):
            if "minutesAsleep" in obj[0] or "dateOfSleep" in obj[0]:
                return "fitbit-sleep-json"
        if obj is None and '"dateofsleep"' in low and '"minutesasleep"' in low:
            return "fitbit-sleep-json"  # a file longer than the part read
        if isinstance(obj, dict):
            if str(obj.get("format", "")).startswith("fhirmig-diary"):
                return "fhirmig-diary"
            if "resourceType" in obj:
                return "fhir"
        if obj is None and '"format"' in low[:200] and "fhirmig-diary" in low[:400]:
            return "fhirmig-diary"
        return "json"
    first = low.splitlines()[0] if low else ""
    if first.strip('", ') == "sleep":
        return "fitbit-sleep-csv"
    if first.strip('" ').startswith("health events"):
        return "migraine-buddy-csv"
    cells = [c.strip().strip('"') for c in first.replace(";", ",").split(",")]
    if "start" in cells and "intensity" in cells:
        return "diary-csv"
    if any(("started" in c and c != "started") or c == "started" for c in cells) or (
        "time period" in cells and "description" in cells
    ):
        return "migraine-buddy-csv"
    return "text"


def sniff(path: str | Path) -> Sniffed:
    """What the file at ``path`` looks like (see :data:`Kind`)."""
    p = Path(path)
    head = _head(p)
    kind: Kind
    if head.startswith(b"%PDF"):
        kind = "pdf"
    elif head.startswith(b"PK") and zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    kind = "xlsx"
                else:
                    kind = "zip-apple-health" if apple_members(archive) else "zip"
        except (OSError, zipfile.BadZipFile) as exc:
            raise InputError(f"{p}: cannot be read ({exc})") from None
    elif b"\x00" in head[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        kind = "binary"
    elif not head.strip():
        kind = "empty"
    else:
        kind = _text_kind(head)
    return Sniffed(kind, p)


def refuse_unless(path: str | Path, accepted: frozenset[str], wanted: str) -> Sniffed:
    """The file's kind, or :class:`ImportSourceError` with one line when it is not accepted.

    ``wanted`` names what the command reads (``an Apple Health export``).
    """
    found = sniff(path)
    if found.kind not in accepted:
        raise ImportSourceError(found.line(wanted))
    return found

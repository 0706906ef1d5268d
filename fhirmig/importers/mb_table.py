"""The layout of a Migraine Buddy CSV export: a health-events block, then the attack table.

The export is not one table: it starts with health events (date or date range, time
period, description, notes), then a blank line, then the attack table of 19 columns, so a
plain CSV reader fails on it. This module finds the attack header by its names (accepting
the header variants of app versions and locales, and ``,``, ``;`` or tab as separator),
and gives every record with the line it starts on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from fhirmig.diary.jsontext import nul_line
from fhirmig.importers.mb_vocabulary import normal_word
from fhirmig.importers.result import Findings

__all__ = ["Record", "Table", "column_key", "decode_export", "read_table"]

csv.field_size_limit(16 * 1024 * 1024)

_SIMPLE: dict[str, str] = {
    **dict.fromkeys(("no", "nr", "number", "attack", "attack number", "id"), "index"),
    **dict.fromkeys(
        ("started", "start", "start time", "started at", "start date", "date", "began"),
        "started",
    ),
    **dict.fromkeys(("ended", "end", "end time", "ended at"), "ended"),
    **dict.fromkeys(("lasted", "duration", "length"), "lasted"),
    **dict.fromkeys(
        ("pain level", "pain intensity", "intensity", "pain", "severity", "pain severity"),
        "pain",
    ),
    **dict.fromkeys(
        ("affected activities", "activities", "activities affected", "affected activity"),
        "activities",
    ),
    **dict.fromkeys(("triggers", "trigger", "potential triggers", "potential trigger"), "triggers"),
    **dict.fromkeys(("symptoms", "symptom"), "symptoms"),
    **dict.fromkeys(("aura", "auras", "warning signs"), "aura"),
    **dict.fromkeys(
        ("pain position", "pain positions", "pain location", "pain locations"), "positions"
    ),
    **dict.fromkeys(("attack type", "attack types", "type", "kind"), "kind"),
    **dict.fromkeys(("location", "place", "attack location"), "place"),
    **dict.fromkeys(("start utc offset", "start offset", "utc offset"), "start_offset"),
    **dict.fromkeys(("end utc offset", "end offset"), "end_offset"),
    **dict.fromkeys(("geohash", "geo hash", "geolocation", "coordinates", "gps"), "geohash"),
    **dict.fromkeys(("notes", "note", "comments", "comment"), "notes"),
}  # fmt: skip
_EFFECT_WORDS = (
    ("somewhat helpful", "somewhat helpful"),
    ("not helpful", "unhelpful"),
    ("unhelpful", "unhelpful"),
    ("not sure", "unsure"),
    ("unsure", "unsure"),
    ("helpful", "helpful"),
)


@lru_cache(maxsize=4096)
def column_key(header: str) -> str | None:
    """The importer's name for an attack-table column, or None for a column it does not know.

    Medication and non-drug relief columns become ``med:<effect>`` and ``relief:<effect>``
    (effect ``helpful``, ``somewhat helpful``, ``unhelpful``, ``unsure`` or empty).
    ``Premonitory Symptoms`` is its own key (a prodrome, never an aura); ``Geohash`` (the
    phone's location) is recognised only so that it can be left out.
    """
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", header).replace("-", " ")
    n = normal_word(text)
    if header.strip() in {"#", "№"}:
        return "index"
    if n in _SIMPLE:
        return _SIMPLE[n]
    if n.startswith("potential trigger"):
        return "triggers"
    if "bothersome" in n:
        return "bothersome"
    if "premonitory" in n or "prodrome" in n:
        return "premonitory"
    if n.startswith("pain position"):
        return "positions"
    relief = "non drug" in n or "nondrug" in n or "relief" in n
    med = ("medication" in n or "drug" in n or "medicine" in n) and not relief
    if relief or med:
        effect = next((name for word, name in _EFFECT_WORDS if word in n), "")
        return f"{'relief' if relief else 'med'}:{effect}"
    return None


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record and the line of the file it starts on (a quoted cell may span lines)."""

    line: int
    cells: tuple[str, ...]

    def nonempty(self) -> bool:
        """True when some cell holds more than spaces."""
        return any(c.strip() for c in self.cells)


@dataclass
class Table:
    """The parts of an export: health-event records, the attack header and attack records."""

    events: list[Record] = field(default_factory=list)
    header: Record | None = None
    keys: list[str | None] = field(default_factory=list)
    attacks: list[Record] = field(default_factory=list)


def decode_export(data: bytes, findings: Findings) -> str:
    """The text of an export: UTF-8 (with or without a byte-order mark) or UTF-16 with one.

    A text holding a NUL is refused (a problem at its line, and no text): an export is
    text, and a NUL would hide what follows it from other tools.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            findings.problem(None, "not valid UTF-16 text")
            return ""
    else:
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            findings.problem(
                line, f"byte 0x{data[exc.start]:02x} is not UTF-8; save the export as UTF-8"
            )
            return ""
    nul = nul_line(text)
    if nul is not None:
        findings.problem(nul, "contains a NUL byte; it is not text")
        return ""
    return text


def _records(text: str, delimiter: str, findings: Findings | None) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            start = previous + 1
            previous = reader.line_num
            yield Record(start, tuple(cells))
    except csv.Error as exc:
        if findings is not None:
            findings.problem(previous + 1, f"the CSV cannot be read here: {exc}")


def _is_header(record: Record) -> int:
    keys = [column_key(c) for c in record.cells]
    if "started" not in keys:
        return 0
    return sum(k is not None for k in keys)


def _delimiter(text: str) -> str | None:
    best, best_score = None, 2
    for delimiter in (",", ";", "\t"):
        for record in _records(text, delimiter, None):
            score = _is_header(record)
            if score > best_score:
                best, best_score = delimiter, score
                break
        if best == ",":
            break  # a comma header reads as one cell with any other separator
    return best


def read_table(text: str, findings: Findings) -> Table:
    """Split an export into health events and attack records.

    An export without an attack table (health events only) gives a table with no header;
    the caller decides whether that is enough.
    """
    table = Table()
    delimiter = _delimiter(text) or ","
    for record in _records(text, delimiter, findings):
        if table.header is None:
            if _is_header(record) > 2:
                table.header = record
                table.keys = [column_key(c) for c in record.cells]
            elif record.nonempty():
                table.events.append(record)
        elif record.nonempty():
            if record.cells == table.header.cells:
                continue  # the header repeated, as happens when two exports are pasted together
            table.attacks.append(record)
    return table

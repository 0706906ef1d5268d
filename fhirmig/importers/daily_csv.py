"""Import a wearable's or app's daily CSV (``date,sleep_hours,steps,...``) as diary days.

Columns are matched to the diary's daily fields by name (``sleep_hours``, ``sleepHours``,
``Sleep (h)``, ...), or by an explicit mapping ``{field: header}`` for exports with other
names. Columns that match no daily field (steps, heart rate, ...) are not carried over;
the import's notes name them. Dates may be ISO or in the locale forms the Migraine Buddy
importer reads; numbers may use a decimal comma when the separator is ``;``; sleep may be
written ``7:30`` (hours and minutes).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fhirmig.diary.reader import read_bytes
from fhirmig.diary.timeparse import zone
from fhirmig.errors import UsageError
from fhirmig.importers.dates import AmbiguousOrder, infer_day_first, parse_local
from fhirmig.importers.mb_table import decode_export
from fhirmig.importers.mb_vocabulary import normal_word
from fhirmig.importers.result import Findings, ImportResult, build_diary
from fhirmig.importers.sniff import refuse_unless
from fhirmig.wording import excerpt

__all__ = ["DAILY_FIELDS", "import_daily_csv"]

#: Daily fields a CSV column can fill, with the header names matched by default.
DAILY_FIELDS: dict[str, tuple[str, ...]] = {
    "sleep_hours": ("sleep", "sleep h", "hours slept", "sleep duration", "total sleep", "asleep"),
    "sleep_quality": ("quality of sleep",),
    "stress": ("stress level",),
    "caffeine_mg": ("caffeine", "caffeine mg"),
    "alcohol_units": ("alcohol", "alcohol units", "drinks"),
    "exercise_minutes": ("exercise", "exercise min", "active minutes", "workout minutes"),
    "menstruation": ("period", "menstrual flow", "menses"),
    "headache_free": ("no headache", "headache free day", "pain free", "pain free day"),
    "notes": ("note", "comment", "comments"),
}
_DATE_NAMES = ("date", "day", "calendar date")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}
_INTEGER = {"sleep_quality", "stress"}
_BOOLEAN = {"menstruation", "headache_free"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _header_field(header: str) -> str | None:
    n = normal_word(header.replace("_", " "))
    for name, aliases in DAILY_FIELDS.items():
        if n in (name.replace("_", " "), _camel(name).casefold(), *aliases):
            return name
    return None


def _number(cell: str, decimal_comma: bool, clock: bool) -> float:
    text = cell.strip()
    if clock and (m := re.fullmatch(r"(\d{1,2}):(\d{2})", text)):
        return int(m[1]) + int(m[2]) / 60
    if decimal_comma:
        text = text.replace(",", ".")
    return float(text)


def import_daily_csv(
    path: str | os.PathLike[str],
    *,
    patient_id: str,
    timezone: str = "UTC",
    columns: Mapping[str, str] | None = None,
    day_first: bool | None = None,
) -> ImportResult:
    """Read a daily CSV into a diary of ``days``.

    Args:
        columns: diary field (a key of :data:`DAILY_FIELDS`, or ``date``) -> the header of
            the column that holds it, overriding the names matched by default.
        day_first: the order of numeric dates; None works it out from the file.

    Raises:
        InputError: the file cannot be read.
        ImportSourceError: a value cannot be read; every problem with its line.
        UsageError: an unknown field in ``columns`` or an unknown time zone.
    """
    try:
        zone(timezone)
    except ValueError as exc:
        raise UsageError("{timezone}: " + str(exc), params=("timezone",)) from None
    mapping = dict(columns or {})
    for name in mapping:
        if name != "date" and name not in DAILY_FIELDS:
            raise UsageError(
                "{columns} "
                + f"{name}=...: not a daily field; use one of date, "
                + ", ".join(DAILY_FIELDS),
                params=("columns",),
            )
    p = Path(path)
    findings = Findings(str(p))
    refuse_unless(p, frozenset({"daily-csv", "csv", "text"}), "a table of daily values")
    text = decode_export(read_bytes(p), findings)
    findings.raise_if_problems("daily CSV")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        findings.problem(1, "the file is empty; the first row must be the header")
        findings.raise_if_problems("daily CSV")
    header = [h.strip() for h in rows[0]]
    wanted = {header_name.strip(): name for name, header_name in mapping.items()}
    fields: list[str | None] = []
    for h in header:
        if h in wanted:
            fields.append(wanted[h])
            continue
        guess = "date" if normal_word(h) in _DATE_NAMES else _header_field(h)
        fields.append(guess if guess not in mapping and guess not in fields else None)
    for name, header_name in mapping.items():
        if header_name.strip() not in header:
            findings.problem(1, f"column {name}={header_name}: no such column in the header")
    if "date" not in fields:
        findings.problem(1, "no date column (name it date, or map one to date: date=HEADER)")
    findings.raise_if_problems("daily CSV")
    left_out = [h for h, f in zip(header, fields, strict=True) if f is None and h]
    if left_out:
        findings.note(1, "columns not carried over (no diary field): " + ", ".join(left_out))
    date_at = fields.index("date")
    order = day_first
    if order is None:
        try:
            order = infer_day_first(r[date_at] for r in rows[1:] if len(r) > date_at)
        except ValueError as exc:
            findings.problem(None, f"{exc}; say which comes first (day first or month first)")
    days: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        day = _row(row, fields, date_at, number, order, delimiter != ",", findings)
        if day is None:
            continue
        if day["date"] in days:
            findings.problem(number, f"the date {day['date']} appears twice")
            continue
        days[day["date"]] = (number, day)
    ordered = [days[key] for key in sorted(days)]
    raw = {"patient": {"id": patient_id, "timezone": timezone}, "days": [d for _, d in ordered]}
    diary = build_diary(raw, findings, "daily CSV", lambda _s, i: ordered[i][0])
    return ImportResult(diary, tuple(findings.notes), str(p))


def _row(
    row: list[str],
    fields: list[str | None],
    date_at: int,
    line: int,
    order: bool | None,
    decimal_comma: bool,
    findings: Findings,
) -> dict[str, Any] | None:
    cell = row[date_at].strip() if date_at < len(row) else ""
    try:
        stamp = parse_local(cell, order)
    except AmbiguousOrder as exc:
        findings.ambiguous_order(line, exc)
        return None
    except ValueError as exc:
        findings.problem(line, f"column date: {exc}")
        return None
    day: dict[str, Any] = {"date": stamp.day.isoformat()}
    for name, value in zip(fields, row, strict=False):
        value = value.strip()
        if name is None or name == "date" or not value:
            continue
        key = _camel(name)
        if name == "notes":
            day[key] = value
        elif name in _BOOLEAN:
            word = normal_word(value)
            if word not in _YES | _NO:
                findings.problem(line, f"column {name}: must be yes or no (got {excerpt(value)})")
            day[key] = word in _YES
        else:
            try:
                number = _number(value, decimal_comma, clock=name == "sleep_hours")
            except ValueError:
                findings.problem(line, f"column {name}: must be a number (got {excerpt(value)})")
                continue
            if name in _INTEGER:
                if not number.is_integer():
                    findings.problem(line, f"column {name}: must be a whole number")
                    continue
                day[key] = int(number)
            else:
                day[key] = int(number) if number.is_integer() else round(number, 2)
    return day if len(day) > 1 else None

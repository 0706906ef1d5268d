"""Dates, times and durations as apps write them in different locales.

Exports carry wall-clock dates in the phone's locale: ``3/10/26 07:40`` (day first),
``10/3/26 7:40 AM`` (month first), ``03.10.2026 07:40``, ``2026-10-03 07:40``,
``Oct 3, 2026 at 7:40 AM`` or ``3 oct. 2026 19h40``. A numeric date whose order cannot be
told from the value alone is read with the order the caller gives, or the order the whole
file shows (:func:`infer_day_first`): a value like ``25/10/26`` settles it for every row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache

from fhirmig.wording import excerpt

__all__ = [
    "AmbiguousOrder",
    "LocalStamp",
    "infer_day_first",
    "parse_duration_minutes",
    "parse_local",
    "parse_time_only",
    "place_in_zone",
]

# Month names of the locales whose exports were seen, by full name; unique prefixes of
# three letters or more are accepted too ("sept", "déc.", "okt").
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "januar", "janvier", "enero", "gennaio", "janeiro", "januari"),
    2: ("february", "februar", "fevrier", "febrero", "febbraio", "fevereiro", "februari"),
    3: ("march", "marz", "mars", "marzo", "marco", "maart"),
    4: ("april", "avril", "abril", "aprile"),
    5: ("may", "mai", "mayo", "maggio", "maio", "mei"),
    6: ("june", "juni", "juin", "junio", "giugno", "junho"),
    7: ("july", "juli", "juillet", "julio", "luglio", "julho"),
    8: ("august", "aout", "agosto", "augustus"),
    9: ("september", "septembre", "septiembre", "settembre", "setembro"),
    10: ("october", "oktober", "octobre", "octubre", "ottobre", "outubro"),
    11: ("november", "novembre", "noviembre", "novembro"),
    12: ("december", "dezember", "decembre", "diciembre", "dicembre", "dezembro"),
}
_WEEKDAYS = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|mie|jeu|jue|ven|vie|sam|sab|dim|dom|mo|di|mi|do|"
    r"fr|sa|so)[a-z]*\.?,\s*",
)


def _month_table() -> dict[str, int]:
    seen: dict[str, set[int]] = {}
    for month, names in _MONTH_NAMES.items():
        for name in names:
            for n in range(3, len(name) + 1):
                seen.setdefault(name[:n], set()).add(month)
    return {word: months.pop() for word, months in seen.items() if len(months) == 1}


_MONTHS = _month_table()
_TIME = r"(?:\s+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*(am|pm)?)?"
_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t\s]+)?" + _TIME.replace(r"\s+", "", 1) + "$"
)
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + "$")
_DAY_NAME = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})" + _TIME + "$")
_NAME_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME + "$")
_TIME_ONLY = re.compile(r"^(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*(am|pm)?$")


class AmbiguousOrder(ValueError):
    """A numeric date such as ``3/10/26`` whose day/month order is not known."""


@dataclass(frozen=True, slots=True)
class LocalStamp:
    """A wall-clock date with an optional time (None when the text held only a date)."""

    day: date
    clock: time | None


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _WEEKDAYS.sub("", text)
    text = re.sub(r"\b([ap])\.\s?m\.?", r"\1m", text)
    text = re.sub(r"\s*,\s*|\s+(?:at|um|a las|as|alle|om|a)\s+|\s+-\s+(?=\d{1,2}[:h]\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _clock(
    hour: str | None, minute: str | None, second: str | None, ampm: str | None
) -> time | None:
    if hour is None or minute is None:
        return None
    h, m, s = int(hour), int(minute), int(second or 0)
    if ampm:
        if not 1 <= h <= 12:
            raise ValueError("hour must be 1-12 with AM/PM")
        h = h % 12 + (12 if ampm == "pm" else 0)
    return time(h, m, s)


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _numeric_parts(text: str) -> tuple[int, int, str] | None:
    m = _NUMERIC.match(_normalise(text))
    return (int(m[1]), int(m[3]), m[2]) if m else None


def infer_day_first(values: Iterable[str]) -> bool | None:
    """The day/month order that every numeric date in ``values`` allows, or None if open.

    Raises ``ValueError`` when some values need day-first and others month-first.
    """
    day_first = month_first = False
    for value in values:
        parts = _numeric_parts(value)
        if parts is None:
            continue
        first, second, sep = parts
        day_first |= first > 12 or sep == "."
        month_first |= second > 12
    if day_first and month_first:
        raise ValueError("the dates mix day-first (25/10) and month-first (10/25) order")
    if day_first or month_first:
        return day_first
    return None


def parse_local(text: str, day_first: bool | None = None) -> LocalStamp:
    """Read one date or date-and-time as written in an export.

    Raises :class:`AmbiguousOrder` for a numeric date that reads both ways when
    ``day_first`` is None, and ``ValueError`` for anything that is not a date.
    """
    s = _normalise(text)
    try:
        if m := _ISO.match(s):
            return LocalStamp(date(int(m[1]), int(m[2]), int(m[3])), _clock(*m.groups()[3:]))
        if m := _NUMERIC.match(s):
            a, b = int(m[1]), int(m[3])
            order = day_first
            if order is None:
                if a > 12 or m[2] == ".":
                    order = True
                elif b > 12:
                    order = False
                elif a != b:
                    raise AmbiguousOrder(
                        f"{excerpt(text.strip())} reads as day/month and month/day"
                    )
                else:
                    order = True
            day, month = (a, b) if order else (b, a)
            return LocalStamp(date(_year(m[4]), month, day), _clock(*m.groups()[4:]))
        if m := _DAY_NAME.match(s):
            named = _MONTHS.get(m[2])
            if named is not None:
                return LocalStamp(date(int(m[3]), named, int(m[1])), _clock(*m.groups()[3:]))
        if m := _NAME_DAY.match(s):
            named = _MONTHS.get(m[1])
            if named is not None:
                return LocalStamp(date(int(m[3]), named, int(m[2])), _clock(*m.groups()[3:]))
    except AmbiguousOrder:
        raise
    except ValueError:
        raise ValueError(f"{excerpt(text.strip())} is not a real date and time") from None
    raise ValueError(f"{excerpt(text.strip())} is not a date this importer can read")


def parse_time_only(text: str) -> time | None:
    """A bare clock time (``08:00``, ``8:00 pm``, ``19h40``), or None if ``text`` is not one."""
    m = _TIME_ONLY.match(_normalise(text))
    if not m:
        return None
    try:
        return _clock(m[1], m[2], m[3], m[4])
    except ValueError:
        return None


def place_in_zone(day: date, clock: time, tz: tzinfo) -> tuple[datetime, str | None]:
    """The aware datetime of a wall-clock time in ``tz``, and a note if DST moved it.

    Apps record the phone's wall clock, so a time that a DST change skips or repeats does
    occur in exports; it is read as the first of the two (or the time just after the gap)
    rather than refused, and the caller reports the note.
    """
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    back = first.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != naive:
        return (
            back,
            f"{naive:%Y-%m-%d %H:%M} does not exist in this time zone; read as {back:%H:%M}",
        )
    return first, f"{naive:%Y-%m-%d %H:%M} happens twice in this time zone; read as the first"


_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(d|days?|tage?|jours?|dias?|h|hrs?|hours?|std|heures?|horas?|m|mins?|"
    r"minutes?|minuten|minutos?)\b"
)
_DURATION_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::\d{2})?$")


def _unit_minutes(unit: str) -> int:
    if unit[0] in "dtj":
        return 1440
    if unit[0] == "h" or unit.startswith("std"):
        return 60
    return 1


def parse_duration_minutes(text: str) -> float | None:
    """Minutes of a duration such as ``06h 00m``, ``1d 2h``, ``45 min`` or ``6:30``.

    Returns None for an empty value or words that say the attack has not ended
    (``Ongoing``, ``-``); raises ``ValueError`` for anything else it cannot read.
    """
    s = _normalise(text)
    if s in {"", "-", "--", "n/a", "na", "ongoing", "in progress", "not ended", "unknown"}:
        return None
    if m := _DURATION_CLOCK.match(s):
        return int(m[1]) * 60.0 + int(m[2])
    total, end = 0.0, 0
    rest = s
    for m in _DURATION_PART.finditer(s):
        total += float(m[1].replace(",", ".")) * _unit_minutes(m[2])
        rest = rest.replace(m[0], "", 1)
        end += 1
    if end == 0 or rest.strip(" ,"):
        raise ValueError(f"{excerpt(text.strip())} is not a duration (such as 06h 30m)")
    return total

"""The instants of a Migraine Buddy attack: wall clocks read at the row's own UTC offset.

Exports since 2024 give each attack ``Start UTC Offset (min)`` and ``End UTC Offset (min)``
(minutes east of UTC), so ``Started`` is the wall clock where the phone was; older
exports and the HTML report have none, and their clocks are read in the patient's zone,
with a daylight-saving gap or repeat noted.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone, tzinfo

from fhirmig.importers.dates import AmbiguousOrder, parse_local, parse_time_only, place_in_zone
from fhirmig.importers.mb_attack import AttackBuilder
from fhirmig.importers.result import Findings
from fhirmig.wording import excerpt

__all__ = ["local_instant", "note_time", "row_offset", "start_instant"]


def local_instant(
    text: str, order: bool | None, tz: tzinfo, line: int, findings: Findings
) -> datetime | None:
    try:
        stamp = parse_local(text, order)
    except AmbiguousOrder as exc:
        findings.ambiguous_order(line, exc)
        return None
    except ValueError as exc:
        findings.problem(line, str(exc))
        return None
    if stamp.clock is None:
        findings.problem(line, f"{excerpt(text)} has no time of day")
        return None
    when, moved = place_in_zone(stamp.day, stamp.clock, tz)
    if moved:
        findings.note(line, moved)
    return when


def row_offset(b: AttackBuilder, cells: dict[str, str], key: str) -> timezone | None:
    """The fixed zone of a ``Start/End UTC Offset (min)`` cell: minutes east of UTC."""
    text = cells.get(key, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not value.is_integer():
        b.findings.problem(b.line, f"UTC offset must be whole minutes (got {excerpt(text)})")
        return None
    minutes = int(value)
    if not -16 * 60 <= minutes <= 16 * 60:
        b.findings.problem(b.line, f"UTC offset {minutes} min is outside -960..960")
        return None
    return timezone(timedelta(minutes=minutes))


def start_instant(
    b: AttackBuilder, text: str, cells: dict[str, str], tz: tzinfo, order: bool | None
) -> datetime | None:
    """The start instant: the wall clock where the phone was, at the row's own offset.

    Exports since 2024 give each attack its UTC offset, so an attack logged while
    travelling lands at its true instant; without one the clock is read in ``tz``.
    """
    offset = row_offset(b, cells, "start_offset")
    if offset is None:
        return local_instant(text, order, tz, b.line, b.findings)
    try:
        stamp = parse_local(text, order)
    except AmbiguousOrder as exc:
        b.findings.ambiguous_order(b.line, exc)
        return None
    except ValueError as exc:
        b.findings.problem(b.line, str(exc))
        return None
    if stamp.clock is None:
        b.findings.problem(b.line, f"{excerpt(text)} has no time of day")
        return None
    return datetime.combine(stamp.day, stamp.clock, offset)


def note_time(text: str, start: datetime, tz: tzinfo, order: bool | None) -> datetime | None:
    clock = parse_time_only(text)
    if clock is not None:
        local = start.astimezone(tz)
        when, _ = place_in_zone(local.date(), clock, tz)
        return when if when >= start else when + timedelta(days=1)
    try:
        stamp = parse_local(text, order)
    except ValueError:
        return None
    if stamp.clock is None:
        return None
    return place_in_zone(stamp.day, stamp.clock, tz)[0]

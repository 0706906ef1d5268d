"""Import sleep (and menstrual flow) from an Apple Health export (``export.xml`` or ``.zip``).

Exports are often gigabytes, so the XML is streamed with ``iterparse`` and every element
is cleared as soon as it has been read: memory stays flat whatever the file size. Only
sleep-analysis records are kept, and only as a few merged time spans per day.

How a night becomes ``days[].sleepHours``:

- the asleep stages (``AsleepCore``, ``AsleepDeep``, ``AsleepREM``, ``AsleepUnspecified``
  and the older ``Asleep``) count; ``InBed`` and ``Awake`` do not;
- overlapping records (a watch and a phone both recording, or old and new stage
  records) are merged, so no minute is counted twice;
- sleep belongs to the day it ends on, in the patient's time zone; sleep ending at 18:00
  or later counts for the next day (an evening start of the night), so a nap in the
  afternoon counts for its own day.

Menstrual-flow records set ``days[].menstruation`` on the day they start: true for any
flow (unspecified, light, medium, heavy), false for a recorded "none".
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET  # expat >= 2.4 limits entity expansion; no external entities
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO

from fhirmig.diary.timeparse import zone
from fhirmig.errors import InputError, UsageError
from fhirmig.importers.result import Findings, ImportResult, build_diary
from fhirmig.wording import plural

__all__ = [
    "ASLEEP_VALUES",
    "FLOW_TYPE",
    "SLEEP_TYPE",
    "import_apple_health",
    "sleep_hours_by_day",
]

SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"
ASLEEP_VALUES = frozenset(
    {
        "HKCategoryValueSleepAnalysisAsleep",
        "HKCategoryValueSleepAnalysisAsleepUnspecified",
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepREM",
    }
)
_IN_BED = "HKCategoryValueSleepAnalysisInBed"
FLOW_TYPE = "HKCategoryTypeIdentifierMenstrualFlow"
_NO_FLOW = "HKCategoryValueMenstrualFlowNone"
_NEXT_DAY_FROM = timedelta(hours=6)  # sleep ending at 18:00 or later counts for the next day

Spans = list[tuple[int, int]]


def _add_span(spans: Spans, start: int, end: int) -> Spans:
    """``spans`` (sorted, disjoint) with ``[start, end)`` merged in."""
    out: Spans = []
    placed = False
    for a, b in spans:
        if b < start:
            out.append((a, b))
        elif end < a:
            if not placed:
                out.append((start, end))
                placed = True
            out.append((a, b))
        else:
            start, end = min(start, a), max(end, b)
    if not placed:
        out.append((start, end))
    return out


def _flow(elem: ET.Element, tz: tzinfo, flow: dict[date, bool]) -> None:
    try:
        day = _when(elem.get("startDate")).astimezone(tz).date()
    except ValueError:
        return
    flow[day] = flow.get(day, False) or elem.get("value") != _NO_FLOW


def _when(text: str | None) -> datetime:
    if not text:
        raise ValueError("missing date")
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")


@contextmanager
def _open_export(path: Path) -> Iterator[IO[bytes]]:
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.endswith("export.xml")]
                if not names:
                    raise InputError(f"{path}: the archive holds no export.xml")
                with archive.open(sorted(names, key=len)[0]) as fh:
                    yield fh
            return
        with path.open("rb") as fh:
            yield fh
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not an export") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None


def sleep_hours_by_day(
    stream: IO[bytes], tz: tzinfo, findings: Findings, flow: dict[date, bool] | None = None
) -> dict[date, float]:
    """Hours asleep per day (in ``tz``) from an export stream, reading it once, in order.

    When ``flow`` is given, menstrual-flow records fill it: day -> whether there was flow.
    """
    flow = {} if flow is None else flow
    spans: dict[date, Spans] = {}
    in_bed_days: set[date] = set()
    skipped = records = 0
    depth = 0
    context = ET.iterparse(stream, events=("start", "end"))  # noqa: S314 - see the import
    root: ET.Element | None = None
    try:
        for event, elem in context:
            if event == "start":
                if root is None:
                    root = elem
                depth += 1
                continue
            depth -= 1
            if elem.tag == "Record" and elem.get("type") == SLEEP_TYPE:
                records += 1
                value = elem.get("value")
                try:
                    start, end = _when(elem.get("startDate")), _when(elem.get("endDate"))
                except ValueError:
                    skipped += 1
                    value = None
                if value in ASLEEP_VALUES and end > start:
                    day = (end.astimezone(tz) + _NEXT_DAY_FROM).date()
                    spans[day] = _add_span(
                        spans.get(day, []), int(start.timestamp()), int(end.timestamp())
                    )
                elif value == _IN_BED:
                    in_bed_days.add((end.astimezone(tz) + _NEXT_DAY_FROM).date())
            elif elem.tag == "Record" and elem.get("type") == FLOW_TYPE:
                _flow(elem, tz, flow)
            if depth == 1 and root is not None:
                root.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        findings.problem(line, f"not well-formed XML at column {column}: {exc.msg}")
        return {}
    except (LookupError, ValueError) as exc:  # an encoding declaration expat cannot read
        findings.problem(
            1, f"the XML declares an encoding that cannot be read ({exc}); save it as UTF-8"
        )
        return {}
    if root is None or root.tag != "HealthData":
        findings.problem(None, "not an Apple Health export (the root element is not HealthData)")
        return {}
    if skipped:
        findings.note(None, f"{plural(skipped, 'sleep record')} with unreadable dates left out")
    only_in_bed = in_bed_days - spans.keys()
    if only_in_bed:
        findings.note(
            None,
            f"{plural(len(only_in_bed), 'day')} with only in-bed time, no asleep stages; left out",
        )
    if not records:
        findings.note(None, "the export holds no sleep-analysis records")
    hours: dict[date, float] = {}
    for day, day_spans in sorted(spans.items()):
        total = sum(b - a for a, b in day_spans) / 3600
        if total > 24:
            findings.note(None, f"{day}: {total:.1f} h asleep recorded; capped at 24")
            total = 24.0
        hours[day] = round(total, 2)
    return hours


def import_apple_health(
    path: str | os.PathLike[str], *, patient_id: str, timezone: str = "UTC"
) -> ImportResult:
    """Read an Apple Health export into a diary of ``days[].sleepHours`` and ``menstruation``.

    Raises:
        InputError: the file cannot be read.
        ImportSourceError: the file is not a well-formed Apple Health export.
        UsageError: an unknown time zone.
    """
    try:
        tz = zone(timezone)
    except ValueError as exc:
        raise UsageError("{timezone}: " + str(exc), params=("timezone",)) from None
    p = Path(path)
    findings = Findings(str(p))
    flow: dict[date, bool] = {}
    with _open_export(p) as stream:
        hours = sleep_hours_by_day(stream, tz, findings, flow)
    days: dict[date, dict[str, object]] = {}
    for day, h in hours.items():
        days.setdefault(day, {"date": day.isoformat()})["sleepHours"] = h
    for day, bleeding in flow.items():
        days.setdefault(day, {"date": day.isoformat()})["menstruation"] = bleeding
    raw = {
        "patient": {"id": patient_id, "timezone": timezone},
        "days": [days[d] for d in sorted(days)],
    }
    diary = build_diary(raw, findings, "Apple Health export")
    return ImportResult(diary, tuple(findings.notes), str(p))

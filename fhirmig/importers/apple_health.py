"""Import sleep, menstrual flow and headaches from an Apple Health export (xml or zip).

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

Headache records (``HKCategoryTypeIdentifierHeadache``, a symptom sample with a severity)
become attacks of kind ``headache``; see :func:`import_apple_health`.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET  # expat >= 2.4 limits entity expansion; no external entities
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any

from fhirmig.diary.timeparse import format_datetime, zone
from fhirmig.errors import ImportSourceError, InputError, UsageError
from fhirmig.importers.result import Findings, ImportResult, build_diary
from fhirmig.importers.sniff import apple_members, refuse_unless, sniff
from fhirmig.wording import plural

__all__ = [
    "ASLEEP_VALUES",
    "FLOW_TYPE",
    "HEADACHE_TYPE",
    "SAME_ATTACK_WITHIN",
    "SEVERITY_INTENSITY",
    "SLEEP_TYPE",
    "ExportData",
    "headache_attacks",
    "import_apple_health",
    "read_export",
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
HEADACHE_TYPE = "HKCategoryTypeIdentifierHeadache"
#: HealthKit's severity of a symptom sample -> the diary's 0-10 intensity: the middle of the
#: bands of the numeric rating scale that the verbal scale maps onto (mild 1-3, moderate
#: 4-6, severe 7-10). "Unspecified" has no intensity and takes --missing-pain.
SEVERITY_INTENSITY: dict[str, int] = {
    "HKCategoryValueSeverityMild": 2,
    "HKCategoryValueSeverityModerate": 5,
    "HKCategoryValueSeveritySevere": 8,
}
_UNSPECIFIED = "HKCategoryValueSeverityUnspecified"
_NOT_PRESENT = "HKCategoryValueSeverityNotPresent"
#: Two headache records starting this close are one attack (here and when merging).
SAME_ATTACK_WITHIN = timedelta(minutes=15)
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
                # found by content: localised exports are exportar.xml, eksport.xml, ...
                names = apple_members(archive)
                if not names:
                    raise ImportSourceError(sniff(path).line("an Apple Health export"))
                if len(names) > 1:
                    listed = ", ".join(sorted(names)[:5])
                    raise ImportSourceError(
                        f"{path}: the archive holds {len(names)} Apple Health exports "
                        f"({listed}); import them one at a time, each for its own patient"
                    )
                with archive.open(names[0]) as fh:
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


@dataclass
class ExportData:
    """What one pass over an export collects: sleep per day, flow, headache samples."""

    hours: dict[date, float] = field(default_factory=dict)
    flow: dict[date, bool] = field(default_factory=dict)
    #: (start, end, value) of every headache sample with a severity or "unspecified"
    headaches: list[tuple[datetime, datetime, str]] = field(default_factory=list)
    #: days (in the patient's zone) that a "not present" headache sample covers
    not_present: set[date] = field(default_factory=set)


def _days_covered(start: datetime, end: datetime, tz: tzinfo) -> list[date]:
    first = start.astimezone(tz).date()
    last = max(start, end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=k) for k in range(min((last - first).days, 366) + 1)]


def read_export(stream: IO[bytes], tz: tzinfo, findings: Findings) -> ExportData:
    """Read an export stream once, in order, keeping memory flat.

    Every element is removed from its parent as soon as it ends, whatever its depth, so a
    gigabyte of records (even records nested below another element) never piles up.
    """
    out = ExportData()
    spans: dict[date, Spans] = {}
    in_bed_days: set[date] = set()
    skipped = records = 0
    stack: list[ET.Element] = []
    root: ET.Element | None = None
    context = ET.iterparse(stream, events=("start", "end"))  # noqa: S314 - see the import
    try:
        for event, elem in context:
            if event == "start":
                if root is None:
                    root = elem
                stack.append(elem)
                continue
            stack.pop()
            kind = elem.get("type") if elem.tag == "Record" else None
            if kind == SLEEP_TYPE:
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
            elif kind == FLOW_TYPE:
                _flow(elem, tz, out.flow)
            elif kind == HEADACHE_TYPE:
                skipped += _headache(elem, tz, out)
            if stack:
                elem.clear()
                stack[-1].remove(elem)
    except ET.ParseError as exc:
        line, column = exc.position
        findings.problem(line, f"not well-formed XML at column {column}: {exc.msg}")
        return out
    except (LookupError, ValueError) as exc:  # an encoding declaration expat cannot read
        findings.problem(
            1, f"the XML declares an encoding that cannot be read ({exc}); save it as UTF-8"
        )
        return out
    if root is None or root.tag != "HealthData":
        findings.problem(None, "not an Apple Health export (the root element is not HealthData)")
        return out
    if skipped:
        findings.note(None, f"{plural(skipped, 'record')} with unreadable dates left out")
    only_in_bed = in_bed_days - spans.keys()
    if only_in_bed:
        findings.note(
            None,
            f"{plural(len(only_in_bed), 'day')} with only in-bed time, no asleep stages; left out",
        )
    if not records and not out.headaches and not out.not_present:
        findings.note(None, "the export holds no sleep-analysis or headache records")
    for day, day_spans in sorted(spans.items()):
        total = sum(b - a for a, b in day_spans) / 3600
        if total > 24:
            findings.note(None, f"{day}: {total:.1f} h asleep recorded; capped at 24")
            total = 24.0
        out.hours[day] = round(total, 2)
    return out


def _headache(elem: ET.Element, tz: tzinfo, out: ExportData) -> int:
    """One headache sample; returns 1 when its dates cannot be read (left out)."""
    try:
        start, end = _when(elem.get("startDate")), _when(elem.get("endDate"))
    except ValueError:
        return 1
    value = elem.get("value") or _UNSPECIFIED
    if value == _NOT_PRESENT:
        out.not_present.update(_days_covered(start, end, tz))
    else:
        out.headaches.append((start, max(start, end), value))
    return 0


def sleep_hours_by_day(
    stream: IO[bytes], tz: tzinfo, findings: Findings, flow: dict[date, bool] | None = None
) -> dict[date, float]:
    """Hours asleep per day (in ``tz``) from an export stream, reading it once, in order.

    When ``flow`` is given, menstrual-flow records fill it: day -> whether there was flow.
    """
    data = read_export(stream, tz, findings)
    if flow is not None:
        flow.update(data.flow)
    return data.hours


def import_apple_health(
    path: str | os.PathLike[str],
    *,
    patient_id: str,
    timezone: str = "UTC",
    missing_pain: int = 0,
) -> ImportResult:
    """Read an Apple Health export into a diary: sleep, menstruation and headaches.

    Headache samples become attacks (kind ``headache``; intensity by
    :data:`SEVERITY_INTENSITY`, ``missing_pain`` for "unspecified"); samples of one
    headache starting within 15 minutes of each other are one attack. A "not present"
    sample marks ``headacheFree`` on the days it covers that no imported attack touches.

    Raises:
        InputError: the file cannot be read.
        ImportSourceError: the file is not a well-formed Apple Health export.
        UsageError: an unknown time zone.
    """
    try:
        tz = zone(timezone)
    except ValueError as exc:
        raise UsageError("{timezone}: " + str(exc), params=("timezone",)) from None
    if not 0 <= missing_pain <= 10:
        raise UsageError("{missing_pain} must be 0-10", params=("missing_pain",))
    p = Path(path)
    refuse_unless(p, frozenset({"apple-health-xml", "zip-apple-health"}), "an Apple Health export")
    findings = Findings(str(p))
    with _open_export(p) as stream:
        data = read_export(stream, tz, findings)
    attacks = headache_attacks(data.headaches, tz, missing_pain, findings)
    touched = {d for a in attacks for d in _days_covered(a[0], a[1], tz)}
    days: dict[date, dict[str, object]] = {}
    for day, h in data.hours.items():
        days.setdefault(day, {"date": day.isoformat()})["sleepHours"] = h
    for day, bleeding in data.flow.items():
        days.setdefault(day, {"date": day.isoformat()})["menstruation"] = bleeding
    free = data.not_present - touched
    for day in free:
        days.setdefault(day, {"date": day.isoformat()})["headacheFree"] = True
    if data.not_present & touched:
        findings.note(
            None,
            f"{plural(len(data.not_present & touched), 'day')} with a 'not present' headache "
            "sample also had a headache; not marked headache-free",
        )
    raw = {
        "patient": {"id": patient_id, "timezone": timezone},
        "attacks": [a[2] for a in attacks],
        "days": [days[d] for d in sorted(days)],
    }
    diary = build_diary(raw, findings, "Apple Health export")
    return ImportResult(diary, tuple(findings.notes), str(p))


def headache_attacks(
    samples: list[tuple[datetime, datetime, str]],
    tz: tzinfo,
    missing_pain: int,
    findings: Findings,
) -> list[tuple[datetime, datetime, dict[str, Any]]]:
    """Headache samples as attack data, in start order; ids from the start in ``tz``.

    A sample starting within :data:`SAME_ATTACK_WITHIN` of the previous kept one is the
    same headache (a phone and a watch both logging it) and is left out.
    """
    out: list[tuple[datetime, datetime, dict[str, Any]]] = []
    ids: set[str] = set()
    duplicates = unspecified = 0
    for start, end, value in sorted(samples):
        if out and start - out[-1][0] <= SAME_ATTACK_WITHIN:
            duplicates += 1
            continue
        intensity = SEVERITY_INTENSITY.get(value)
        severity = value.removeprefix("HKCategoryValueSeverity").lower() or "unspecified"
        attack: dict[str, Any] = {"start": format_datetime(start), "kind": "headache"}
        if end > start:
            attack["end"] = format_datetime(end)
        if intensity is None:
            unspecified += 1
            intensity = missing_pain
            attack["notes"] = (
                f"Apple Health headache, severity not recorded (imported as {missing_pain})."
            )
        else:
            attack["notes"] = f"Apple Health headache, severity {severity}."
        attack["intensity"] = intensity
        base = new_id = f"ah-{start.astimezone(tz):%Y%m%dT%H%M}"
        n = 2
        while new_id in ids:
            new_id, n = f"{base}-{n}", n + 1
        ids.add(new_id)
        out.append((start, end, {"id": new_id, **attack}))
    if duplicates:
        findings.note(
            None,
            f"{plural(duplicates, 'headache sample')} within 15 minutes of another: one attack",
        )
    if unspecified:
        findings.note(
            None,
            f"{plural(unspecified, 'headache')} with severity 'unspecified' imported with "
            f"intensity {missing_pain} (the missing-pain setting)",
        )
    return out

"""Sleep from a Fitbit export (Google Takeout JSON or the CSV export) as ``days[].sleepHours``.

Two shapes are read:

- **Google Takeout**: ``Fitbit/Global Export Data/sleep-YYYY-MM-DD.json``, each a JSON list
  of sleep logs (``logId``, ``dateOfSleep``, ``startTime``, ``endTime`` as the device's
  local wall clock, ``minutesAsleep``, ``timeInBed``, ``mainSleep``, ...). Only main
  sleeps count (naps are ``mainSleep: false``), and a log that two files both hold counts
  once (by ``logId``).
- **The CSV export**: a title line ``Sleep``, then ``Start Time,End Time,Minutes Asleep,
  Minutes Awake,Number of Awakenings,Time in Bed,...`` with times like ``2026-10-02
  11:12PM`` in the user's local time. It has no main-sleep flag, so every row counts.

The hours are **minutes asleep**, not time in bed, and a sleep belongs to **the day it
ends on** in the patient's zone (the device's wall clock is read in it); two main sleeps
ending on one day are added. The result merges into a diary like any daily import.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fhirmig.diary.jsontext import JsonTextError, loads_strict
from fhirmig.diary.reader import read_bytes
from fhirmig.diary.timeparse import zone
from fhirmig.errors import InputError, UsageError
from fhirmig.importers.mb_table import decode_export
from fhirmig.importers.result import Findings, ImportResult, build_diary
from fhirmig.importers.sniff import refuse_unless
from fhirmig.wording import excerpt, plural

__all__ = ["import_fitbit_sleep", "sleep_files"]

_KINDS = frozenset({"fitbit-sleep-json", "fitbit-sleep-csv"})
_CSV_TIMES = ("%Y-%m-%d %I:%M%p", "%Y-%m-%d %H:%M", "%Y-%m-%d %I:%M %p")


def sleep_files(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """The files to read: each file given, and every ``sleep-*.json`` under a folder."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(p.rglob("sleep-*.json"))
            if not found:
                raise InputError(f"{p}: no sleep-YYYY-MM-DD.json file in this folder")
            out += found
        else:
            out.append(p)
    return out


def _json_logs(p: Path, findings: Findings) -> list[dict[str, Any]]:
    known = len(findings.problems)
    text = decode_export(read_bytes(p), findings)
    if len(findings.problems) > known:
        return []  # not text: decode_export said why
    try:
        data = loads_strict(text)
    except JsonTextError as exc:
        findings.problem(None, f"{p.name}: {exc}")
        return []
    if not isinstance(data, list):
        findings.problem(None, f"{p.name}: a sleep file holds a list of sleep logs")
        return []
    return [log for log in data if isinstance(log, dict)]


def _local_end(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", ""))
    except ValueError:
        return None


def _csv_rows(p: Path, findings: Findings) -> list[tuple[int, datetime | None, str]]:
    known = len(findings.problems)
    text = decode_export(read_bytes(p), findings)
    if len(findings.problems) > known:
        return []  # not text: decode_export said why
    lines = text.splitlines()
    if not lines or lines[0].strip().strip('"') != "Sleep":
        findings.problem(1, "a Fitbit sleep CSV starts with the title line 'Sleep'")
        return []
    reader = csv.DictReader(io.StringIO("\n".join(lines[1:])))
    out: list[tuple[int, datetime | None, str]] = []
    for n, row in enumerate(reader, start=3):
        end_text = (row.get("End Time") or "").strip()
        end = None
        for pattern in _CSV_TIMES:
            try:
                end = datetime.strptime(end_text.upper(), pattern)
                break
            except ValueError:
                continue
        if end is None:
            findings.problem(
                n, f"End Time {excerpt(end_text)} is not a time like 2026-10-03 7:05AM"
            )
        out.append((n, end, (row.get("Minutes Asleep") or "").strip()))
    return out


def import_fitbit_sleep(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    patient_id: str,
    timezone: str = "UTC",
) -> ImportResult:
    """Read Fitbit sleep files (Takeout JSON, a folder of them, or the CSV) into a diary.

    Raises:
        InputError: a file cannot be read.
        ImportSourceError: a file is not a Fitbit sleep export, or a value cannot be read.
        UsageError: an unknown time zone.
    """
    try:
        zone(timezone)
    except ValueError as exc:
        raise UsageError("{timezone}: " + str(exc), params=("timezone",)) from None
    files = sleep_files(paths)
    if not files:
        raise UsageError("{paths}: give a Fitbit sleep file or folder", params=("paths",))
    minutes: dict[date, float] = {}
    seen: set[object] = set()
    naps = 0
    source = str(files[0]) if len(files) == 1 else f"{files[0].parent} ({len(files)} files)"
    findings = Findings(source)
    for p in files:
        kind = refuse_unless(p, _KINDS, "a Fitbit sleep export").kind
        if kind == "fitbit-sleep-csv":
            for line, end, asleep in _csv_rows(p, findings):
                if end is not None and asleep:
                    _add(minutes, end.date(), asleep, line, findings)
            continue
        for log in _json_logs(p, findings):
            key = log.get("logId", id(log))
            if key in seen:
                continue
            seen.add(key)
            if log.get("mainSleep") is False:
                naps += 1
                continue
            end = _local_end(log.get("endTime"))
            if end is None:
                findings.problem(None, f"{p.name}: sleep log {key}: endTime is not a date-time")
                continue
            _add(minutes, end.date(), log.get("minutesAsleep"), None, findings)
    if naps:
        findings.note(None, f"{plural(naps, 'nap')} (mainSleep false) left out")
    days = []
    for day in sorted(minutes):
        hours = round(minutes[day] / 60, 2)
        if hours > 24:
            findings.note(None, f"{day}: {hours:.1f} h asleep recorded; capped at 24")
            hours = 24.0
        days.append({"date": day.isoformat(), "sleepHours": hours})
    raw = {"patient": {"id": patient_id, "timezone": timezone}, "days": days}
    diary = build_diary(raw, findings, "Fitbit sleep export")
    return ImportResult(diary, tuple(findings.notes), source)


def _add(
    minutes: dict[date, float], day: date, value: object, line: int | None, findings: Findings
) -> None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        findings.problem(line, f"minutes asleep {excerpt(str(value))} is not a number")
        return
    if number < 0:
        findings.problem(line, f"minutes asleep {number:g} is negative")
        return
    minutes[day] = minutes.get(day, 0.0) + number

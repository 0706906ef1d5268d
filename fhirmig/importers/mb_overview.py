"""The header and overview of a Migraine Buddy report, checked against the imported diary.

A saved report is sometimes edited or cut (a page saved half-loaded, rows deleted), so the
overview figures the app printed (Number of Attacks, Attack Days, Attack-Free Days, Avg
Attack Duration) are recomputed from the imported attacks; a difference is a warning that
names both figures. The counts here are the app's own simple ones (calendar days in the
patient's zone that an attack touches), not fhirmig's clinical figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhirmig.diary.model import Diary
from fhirmig.importers.dates import parse_duration_minutes, parse_local
from fhirmig.importers.mb_events import RANGE_SPLIT
from fhirmig.importers.mb_html import Report
from fhirmig.importers.result import Findings

__all__ = ["compare_overview", "report_patient"]

_SEX = {"female": "female", "woman": "female", "male": "male", "man": "male", "other": "other"}


def report_patient(report: Report, patient: dict[str, Any], findings: Findings) -> None:
    """The report's gender as ``patient.sex``; its age is noted, never made a birth date."""
    gender = report.info.get("gender", "").strip().casefold()
    if gender in _SEX:
        patient["sex"] = _SEX[gender]
    if report.info.get("age"):
        findings.note(None, "the report gives an age, not a birth date; age left out")


def _period(report: Report, order: bool | None) -> tuple[date, date] | None:
    parts = RANGE_SPLIT.split(report.info.get("time period", "").strip())
    if len(parts) != 2:
        return None
    try:
        return parse_local(parts[0], order).day, parse_local(parts[1], order).day
    except ValueError:
        return None


def _attack_days(diary: Diary) -> set[date]:
    tz = diary.patient.tz
    days: set[date] = set()
    for a in diary.attacks:
        first = a.start.astimezone(tz).date()
        end = a.effective_end or a.start
        last = max(a.start, end - timedelta(microseconds=1)).astimezone(tz).date()
        days.update(first + timedelta(days=k) for k in range(min((last - first).days, 366) + 1))
    return days


def _as_int(text: str) -> int | None:
    digits = text.strip().replace(",", "")
    return int(digits) if digits.isdigit() else None


def compare_overview(report: Report, diary: Diary, order: bool | None, findings: Findings) -> None:
    """A note for each overview figure that differs from the imported diary's."""
    ours: dict[str, str] = {}
    days = _attack_days(diary)
    ours["number of attacks"] = str(len(diary.attacks))
    ours["attack days"] = str(len(days))
    period = _period(report, order)
    if period is not None:
        first, last = period
        total = (last - first).days + 1
        inside = {d for d in days if first <= d <= last}
        ours["attack free days"] = str(total - len(inside))
    durations = [
        (a.effective_end - a.start).total_seconds() / 60
        for a in diary.attacks
        if a.effective_end is not None
    ]
    mean = sum(durations) / len(durations) if durations else None
    names = {
        "number of attacks": "Number of Attacks",
        "attack days": "Attack Days",
        "attack free days": "Attack-Free Days",
        "avg attack duration": "Avg Attack Duration",
    }
    for key, label in names.items():
        theirs = report.overview.get(key, "").strip()
        if not theirs:
            continue
        if key == "avg attack duration":
            try:
                minutes = parse_duration_minutes(theirs)
            except ValueError:
                minutes = None
            if minutes is None or mean is None or abs(minutes - mean) <= 1:
                continue
            mine = f"{int(mean // 60):02d}h {round(mean % 60):02d}m"
        else:
            value = _as_int(theirs)
            if value is None or key not in ours or str(value) == ours[key]:
                continue
            mine = ours[key]
        findings.note(
            None,
            f"warning: the report's overview says {label} {theirs}, the imported attacks give "
            f"{mine} (a saved report may be edited or cut; check that every attack is there)",
        )

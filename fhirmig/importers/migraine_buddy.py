"""Import the CSV that Migraine Buddy exports "for my doctor" into a diary.

Each attack row becomes an :class:`~fhirmig.diary.Attack`; the app's words become
vocabulary keys where :mod:`fhirmig.importers.mb_vocabulary` knows them and stay free text
where it does not. Medications go into the catalogue (class guessed from the active
ingredient), with one intake per dose: the intake times come from the ``Notes`` lines
``<date> at <time>: I took this drug: <name>`` and the relief from the column the drug is
listed in (helpful -> good, somewhat helpful -> some, unhelpful -> none, unsure -> not
recorded). Health events become notes on the day they happened.

Attack ids come from the start time (``mb-20261003T0740``), not the export's row number,
so that two exports of overlapping periods give the same ids and merge cleanly.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from fhirmig.diary.reader import read_bytes
from fhirmig.diary.timeparse import format_datetime, zone
from fhirmig.diary.values import MAX_YEAR, MIN_YEAR
from fhirmig.errors import UsageError
from fhirmig.importers import mb_vocabulary as vocab
from fhirmig.importers.dates import (
    infer_day_first,
    parse_duration_minutes,
)
from fhirmig.importers.mb_attack import AttackBuilder, Catalogue
from fhirmig.importers.mb_events import RANGE_SPLIT, health_event_days
from fhirmig.importers.mb_html import Report, looks_like_html, read_html_report
from fhirmig.importers.mb_overview import compare_overview, report_patient
from fhirmig.importers.mb_table import Record, Table, decode_export, read_table
from fhirmig.importers.mb_times import local_instant, note_time, row_offset, start_instant
from fhirmig.importers.result import Findings, ImportResult, build_diary
from fhirmig.importers.sniff import refuse_unless
from fhirmig.wording import excerpt, plural

__all__ = ["import_migraine_buddy", "parse_migraine_buddy"]

#: What the CSV importer reads; anything else gets one line naming what the file is.
#: An export whose header is not one the detector knows is still tried (app versions vary).
_ACCEPTED = frozenset({"migraine-buddy-csv", "migraine-buddy-html", "csv", "daily-csv", "text"})
_INTAKE_LINE = re.compile(
    r"^\s*(?P<when>.+?)\s*:\s*I took (?:this|these) (?:drugs?|medications?|medicines?)\s*:\s*"
    r"(?P<what>.+?)\s*$",
    re.IGNORECASE,
)


def import_migraine_buddy(
    path: str | os.PathLike[str],
    *,
    patient_id: str,
    timezone: str = "UTC",
    day_first: bool | None = None,
    missing_pain: int = 0,
    keep_setting: bool = False,
) -> ImportResult:
    """Read a Migraine Buddy CSV export into a diary for ``patient_id``.

    Args:
        path: the exported ``MigraineBuddy_*.csv``.
        patient_id: the diary's patient id (the export names nobody).
        timezone: the IANA zone the phone's wall-clock times are read in.
        day_first: True for ``3/10/26`` = 3 October, False for 10 March; None works it out
            from the dates in the file and fails if they read both ways.
        missing_pain: the intensity given to an attack whose pain level is empty (the
            diary needs one); the attack's notes say it was not recorded.
        keep_setting: keep ``Attack Location`` (Home, Work, ...) as the attack's
            ``setting``; by default it is left out and the notes count how often.

    Raises:
        InputError: the file cannot be read.
        ImportSourceError: the export cannot be imported; every problem with its line.
        UsageError: an unknown time zone.
    """
    p = Path(path)
    refuse_unless(p, _ACCEPTED, "a Migraine Buddy export")
    return parse_migraine_buddy(
        read_bytes(p),
        str(p),
        patient_id=patient_id,
        timezone=timezone,
        day_first=day_first,
        missing_pain=missing_pain,
        keep_setting=keep_setting,
    )


def parse_migraine_buddy(
    data: bytes,
    file: str = "<export>",
    *,
    patient_id: str,
    timezone: str = "UTC",
    day_first: bool | None = None,
    missing_pain: int = 0,
    keep_setting: bool = False,
) -> ImportResult:
    """Like :func:`import_migraine_buddy`, from the bytes of the export."""
    try:
        tz = zone(timezone)
    except ValueError as exc:
        raise UsageError("{timezone}: " + str(exc), params=("timezone",)) from None
    if not 0 <= missing_pain <= 10:
        raise UsageError("{missing_pain} must be 0-10", params=("missing_pain",))
    findings = Findings(file)
    text = decode_export(data, findings)
    findings.raise_if_problems("Migraine Buddy export")
    report: Report | None = None
    if looks_like_html(text):
        table, report = read_html_report(text, findings)
        findings.raise_if_problems("Migraine Buddy report")
    else:
        table = read_table(text, findings)
    if table.header is None:
        if not table.events:
            findings.problem(
                None,
                "no Migraine Buddy attack table found (a header row with Started, Lasted, "
                "Pain Level, ...) and no health events",
            )
        else:
            findings.note(None, "no attack table in this export; only health events imported")
    if table.header is not None:
        _column_notes(table, findings)
    order = _day_order(table, day_first, findings)
    catalogue = Catalogue()
    attacks: list[tuple[int, dict[str, Any]]] = []
    taken_ids: set[str] = set()
    next_n: dict[str, int] = {}
    menstruation: dict[str, int] = {}
    places = 0
    for record in table.attacks:
        cells = _cells(record, table.keys, table.header, findings)
        if cells is None:
            continue
        builder = AttackBuilder(record.line, findings, catalogue)
        attack = _attack(builder, cells, tz, order, missing_pain)
        if attack is None:
            continue
        if "place" in cells:
            places += 1
            if keep_setting:
                attack["setting"] = cells["place"].replace("\n", " ")[:1000]
        if builder.menstruation:
            day = datetime.fromisoformat(attack["start"]).astimezone(tz).date().isoformat()
            menstruation.setdefault(day, record.line)
        # A counter per base id keeps this linear when many rows share one start time.
        base = attack["id"]
        n = next_n.get(base, 2)
        while attack["id"] in taken_ids:
            attack["id"], n = f"{base}-{n}", n + 1
        next_n[base] = n
        taken_ids.add(attack["id"])
        attacks.append((record.line, attack))
    if places and not keep_setting:
        findings.note(
            None,
            f"{plural(places, 'attack')} had a location (Attack Location) left out; "
            "keeping the setting keeps it as each attack's setting",
        )
    days = health_event_days(table.events, order, findings, menstruation)
    if catalogue.free_text:
        # Counted, not listed: the words may be the patient's own (custom triggers, notes),
        # and they stand in the diary as written.
        findings.note(
            None,
            f"{len(catalogue.free_text)} app words kept as free text (no vocabulary key); "
            "they are in the diary as written",
        )
    if not table.attacks and table.header is not None:
        findings.note(table.header.line, "the attack table has no rows")
    attacks.sort(key=lambda item: datetime.fromisoformat(item[1]["start"]))
    patient: dict[str, Any] = {"id": patient_id, "timezone": timezone}
    if report is not None:
        report_patient(report, patient, findings)
    raw = {
        "patient": patient,
        "medications": catalogue.entries(findings),
        "attacks": [a for _, a in attacks],
        "days": [d for _, d in days],
    }
    lines = {"attacks": [ln for ln, _ in attacks], "days": [ln for ln, _ in days]}
    diary = build_diary(raw, findings, "Migraine Buddy export", lambda s, i: lines[s][i])
    if report is not None:
        compare_overview(report, diary, order, findings)
    return ImportResult(diary, tuple(findings.notes), file)


def _day_order(table: Table, day_first: bool | None, findings: Findings) -> bool | None:
    if day_first is not None:
        return day_first
    values: list[str] = []
    started = table.keys.index("started") if "started" in table.keys else None
    for record in table.attacks:
        if started is not None and started < len(record.cells):
            values.append(record.cells[started].split("\n")[0])
    for record in table.events:
        if record.cells:
            values.extend(RANGE_SPLIT.split(record.cells[0].strip()))
    try:
        return infer_day_first(values)
    except ValueError as exc:
        findings.problem(None, f"{exc}; say which comes first (day first or month first)")
        return None


def _cells(
    record: Record, keys: list[str | None], header: Record | None, findings: Findings
) -> dict[str, str] | None:
    cells = list(record.cells)
    while len(cells) > len(keys) and not cells[-1].strip():
        cells.pop()
    if len(cells) > len(keys):
        findings.problem(record.line, f"{len(cells)} fields, but the header has {len(keys)}")
        return None
    out: dict[str, str] = {}
    names = header.cells if header is not None else ()
    for key, name, value in zip(keys, names, cells, strict=False):
        if "\x00" in value:
            findings.problem(
                record.line, f"column {excerpt(name.strip())} contains a NUL byte; it is not text"
            )
            return None
        value = value.strip()
        if not value or key is None or key == "geohash":
            continue  # unknown columns and the phone's location never enter the diary
        if key in out:
            out[key] += ", " + value
        else:
            out[key] = value
    return out


def _attack(
    b: AttackBuilder, cells: dict[str, str], tz: tzinfo, order: bool | None, missing_pain: int
) -> dict[str, Any] | None:
    started = cells.get("started", "")
    first, *more = [part.strip() for part in started.split("\n") if part.strip()] or [""]
    if not first:
        b.findings.problem(b.line, "the Started cell is empty")
        return None
    start = start_instant(b, first, cells, tz, order)
    if start is None:
        return None
    if not MIN_YEAR < start.year < MAX_YEAR:  # a typo; and no zone can place year 9999
        b.findings.problem(b.line, f"{excerpt(first)} lies outside the years {MIN_YEAR}-{MAX_YEAR}")
        return None
    b.extra_lines.extend(more)
    home = start.astimezone(tz)
    attack: dict[str, Any] = {"id": f"mb-{home:%Y%m%dT%H%M}", "start": format_datetime(start)}
    _duration(b, cells, attack, start, tz, order)
    attack["intensity"] = _pain(b, cells.get("pain", ""), missing_pain)
    b.kind(cells.get("kind"), attack)
    b.symptoms(cells.get("symptoms", ""), cells.get("bothersome"))
    b.aura_column(cells.get("aura", ""))
    b.premonitory(cells.get("premonitory", ""))
    b.triggers(cells.get("triggers", ""))
    b.positions(cells.get("positions", ""))
    for key, value in cells.items():
        if key.startswith("relief:"):
            b.relief(value, vocab.EFFECTS.get(key[7:]))
    intakes = _intake_lines(b, cells.get("notes", ""), start, tz, order)
    for key, value in cells.items():
        if key.startswith("med:"):
            b.medications(value, vocab.EFFECTS.get(key[4:]))
    b.finish_intakes(intakes)
    if "activities" in cells:
        b.activities(cells["activities"])
    b.fill(attack)
    return attack


def _duration(
    b: AttackBuilder,
    cells: dict[str, str],
    attack: dict[str, Any],
    start: datetime,
    tz: tzinfo,
    order: bool | None,
) -> None:
    try:
        minutes = parse_duration_minutes(cells.get("lasted", ""))
    except ValueError as exc:
        b.findings.problem(b.line, f"Lasted: {exc}")
        return
    if minutes is not None:
        attack["durationMinutes"] = int(minutes) if float(minutes).is_integer() else minutes
        end_zone = row_offset(b, cells, "end_offset")
        if end_zone is not None:
            # The duration fixes the end instant; the end offset says how it read locally.
            attack["end"] = format_datetime(
                (start + timedelta(minutes=minutes)).astimezone(end_zone)
            )
            del attack["durationMinutes"]
    elif "ended" in cells:
        end = local_instant(cells["ended"], order, tz, b.line, b.findings)
        if end is not None:
            attack["end"] = format_datetime(end)
    else:
        b.findings.note(b.line, "the attack has no end or duration; imported as duration unknown")


def _pain(b: AttackBuilder, text: str, missing_pain: int) -> int:
    text = text.strip()
    if not text:
        b.findings.note(b.line, f"the pain level is empty; imported as {missing_pain}")
        b.extra_lines.append(
            f"Pain level not recorded in Migraine Buddy (imported as {missing_pain})."
        )
        return missing_pain
    m = re.match(r"^(\d{1,2})(?:[.,]0+)?(?:\s*/\s*10)?$", text)
    if not m or int(m[1]) > 10:
        b.findings.problem(b.line, f"Pain Level must be a whole number 0-10 (got {excerpt(text)})")
        return missing_pain
    return int(m[1])


def _intake_lines(
    b: AttackBuilder, notes: str, start: datetime, tz: tzinfo, order: bool | None
) -> list[tuple[str, datetime]]:
    """Intake times from the Notes lines; other lines stay the attack's notes."""
    out: list[tuple[str, datetime]] = []
    for raw_line in notes.splitlines():
        m = _INTAKE_LINE.match(raw_line)
        when: datetime | None = None
        if m:
            when = note_time(m["when"], start, tz, order)
        if m and when is not None:
            out.extend((what.strip(), when) for what in m["what"].split(",") if what.strip())
        elif raw_line.strip():
            if m:
                b.findings.note(b.line, "an intake line in Notes has an unreadable time; kept")
            b.notes.append(raw_line.rstrip())
    return out


def _column_notes(table: Table, findings: Findings) -> None:
    """One note per column left out: unknown ones by name, the location columns by kind."""
    if table.header is None:
        return
    for key, name in zip(table.keys, table.header.cells, strict=False):
        if key is None and name.strip():
            findings.note(
                table.header.line,
                f"column {excerpt(name.strip())} is not one this importer knows; left out",
            )
        elif key == "geohash":
            findings.note(
                table.header.line,
                f"column {excerpt(name.strip())} (the phone's location) is never imported",
            )

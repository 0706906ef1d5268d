"""The CSV encoding of a diary: one attack per row, for people who keep a spreadsheet.

Cells are parsed here with errors located by line and column; the resulting data then goes
through the same model and whole-diary checks as JSON, with locations translated back to
``line N, column NAME``. A quoted cell may span lines; its row is named by the line it
starts on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fhirmig.diary.drugs import match_drug
from fhirmig.diary.fields import ATTACK_FIELDS, TWITCH_COLUMNS, csv_columns
from fhirmig.diary.model import FORMAT_VERSION, Attack, Diary, slug
from fhirmig.diary.reader import MAX_ATTACKS, decode_utf8, diary_from_raw, read_bytes
from fhirmig.diary.vocabulary import EFFECTS
from fhirmig.errors import DiaryError, Problem

__all__ = ["COLUMNS", "diary_to_csv", "parse_diary_csv", "read_sidecar"]

#: The CSV header, from the field table (:mod:`fhirmig.diary.fields`).
COLUMNS = csv_columns()
REQUIRED = ("start", "intensity")
#: model field (JSON name) -> the CSV column a problem with it is reported at
_FIELD_COLUMN = {f.json: f.csv for f in ATTACK_FIELDS if f.csv is not None}
_TWITCH_COLUMN = TWITCH_COLUMNS
csv.field_size_limit(16 * 1024 * 1024)


def read_sidecar(csv_path: Path) -> tuple[dict[str, Any] | None, list[dict[str, Any]] | None]:
    """The ``NAME.patient.json`` beside ``NAME.csv``: the patient object and optional catalogue.

    The sidecar holds either the ``patient`` object itself (optionally with a
    ``medications`` list beside its fields) or ``{"patient": {...}, "medications": [...]}``.
    """
    side = csv_path.with_name(csv_path.stem + ".patient.json")
    if not side.is_file():
        return None, None
    text = decode_utf8(read_bytes(side), str(side))
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DiaryError.single(
            str(side), f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise DiaryError.single(str(side), "", "invalid JSON: nested too deeply") from None
    if not isinstance(obj, dict):
        raise DiaryError.single(str(side), "", "the sidecar holds a JSON object (the patient)")
    obj = dict(obj)
    if "patient" in obj:
        meds = obj.get("medications")
        return obj["patient"], meds if isinstance(meds, list) else None
    meds = obj.pop("medications", None)
    return obj, meds if isinstance(meds, list) else None


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


class _Row:
    def __init__(self, file: str, line: int, problems: list[Problem]) -> None:
        self.file, self.line, self.problems = file, line, problems

    def error(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {self.line}, column {column}", message))

    def number(self, column: str, cell: str, integer: bool) -> int | float | None:
        try:
            return int(cell) if integer else float(cell)
        except ValueError:
            kind = "a whole number" if integer else "a number (dot as decimal separator)"
            self.error(column, f"must be {kind} (got {cell[:60]!r})")
            return None


def _catalogue_lookup(name: str, catalogue: list[dict[str, Any]], fixed: bool) -> str | None:
    for med in catalogue:
        if isinstance(med, dict) and (
            med.get("id") == name or str(med.get("name", "")).casefold() == name.casefold()
        ):
            return str(med.get("id"))
    if fixed:
        return None
    taken_ids = {m.get("id") for m in catalogue if isinstance(m, dict)}
    base = new_id = slug(name)
    n = 2
    while new_id in taken_ids:
        new_id, n = f"{base}-{n}", n + 1
    found = match_drug(name)
    catalogue.append({"id": new_id, "name": name, "class": found.drug_class, **found.codes()})
    return new_id


def _attack(
    cells: dict[str, str], row: _Row, catalogue: list[dict[str, Any]], fixed: bool
) -> dict[str, Any]:
    a: dict[str, Any] = {"id": cells.get("id", "").strip() or f"row-{row.line}"}
    for column, key in (
        ("start", "start"),
        ("end", "end"),
        ("kind", "kind"),
        ("disability", "disability"),
    ):
        value = cells.get(column, "").strip()
        if value:
            a[key] = value
    if not cells.get("start", "").strip():
        row.error("start", "required; every attack has a start")
    intensity = cells.get("intensity", "").strip()
    if not intensity:
        row.error("intensity", "required: peak pain 0-10")
    else:
        number = row.number("intensity", intensity, integer=True)
        if number is not None:
            a["intensity"] = number
    duration = cells.get("duration_minutes", "").strip()
    if duration:
        minutes = row.number("duration_minutes", duration, integer=False)
        if minutes is not None:
            a["durationMinutes"] = minutes
    aura = cells.get("aura", "").strip().lower()
    if aura in ("true", "yes"):
        a["aura"] = True
    elif aura in ("false", "no"):
        a["aura"] = False
    elif aura:
        row.error("aura", f"must be true, false, yes or no (got {aura[:60]!r})")
    for column, key in (
        ("pain_locations", "painLocations"),
        ("pain_qualities", "painQualities"),
        ("symptoms", "symptoms"),
        ("triggers", "triggers"),
    ):
        items = _split(cells.get(column, ""))
        if items:
            a[key] = items
    locations = _split(cells.get("twitching_locations", ""))
    description = cells.get("twitching_description", "").strip()
    t_intensity_cell = cells.get("twitching_intensity", "").strip()
    t_intensity = (
        row.number("twitching_intensity", t_intensity_cell, True) if t_intensity_cell else None
    )
    if (description or t_intensity_cell) and not locations:
        row.error(
            "twitching_locations", "twitching description or intensity given without a location"
        )
    if locations:
        twitches = []
        for loc in locations:
            t: dict[str, Any] = {"location": loc}
            if description:
                t["description"] = description
            if t_intensity is not None:
                t["intensity"] = t_intensity
            twitches.append(t)
        a["twitching"] = twitches
    intakes = []
    for item in _split(cells.get("medications", "")):
        intake: dict[str, Any] = {}
        body = item
        if "=" in body:
            body, relief = (s.strip() for s in body.rsplit("=", 1))
            if relief not in EFFECTS:
                row.error(
                    "medications",
                    f"relief must be none, some, good or complete (got {relief[:60]!r})",
                )
            else:
                intake["relief"] = relief
        if "@" in body:
            body, taken = (s.strip() for s in body.rsplit("@", 1))
            if taken:
                intake["taken"] = taken
        med_id = _catalogue_lookup(body, catalogue, fixed) if body else None
        if med_id is None:
            row.error("medications", f"no medication {body[:60]!r} in the catalogue")
            continue
        intake = {"medication": med_id, **intake}
        intakes.append(intake)
    if intakes:
        a["medications"] = intakes
    methods = []
    for item in _split(cells.get("relief_methods", "")):
        method, _, effect = (s.strip() for s in item.partition("="))
        use: dict[str, Any] = {"method": method}
        if effect:
            if effect not in EFFECTS:
                row.error(
                    "relief_methods",
                    f"effect must be none, some, good or complete (got {effect[:60]!r})",
                )
            else:
                use["effect"] = effect
        methods.append(use)
    if methods:
        a["reliefMethods"] = methods
    notes = cells.get("notes", "")
    if notes.strip():
        a["notes"] = notes
    return a


def parse_diary_csv(
    data: bytes,
    file: str = "<diary.csv>",
    *,
    patient: dict[str, Any] | None = None,
    medications: list[dict[str, Any]] | None = None,
    default_id: str = "patient",
) -> Diary:
    """A diary from the bytes of its CSV encoding.

    ``patient`` is the JSON patient object (default: id ``default_id``, zone UTC).
    ``medications`` is a fixed catalogue: intakes must name one of its entries (by id or
    name). Without it, each new name joins the catalogue with the class (and ATC / RxNorm
    codes) that the drug table (:mod:`fhirmig.diary.drugs`) gives it, else ``other``;
    :func:`fhirmig.diary.drugs.left_other` lists the names left ``other``.
    """
    text = decode_utf8(data, file)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DiaryError.single(file, f"line {line}", "contains a NUL byte; not a text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except StopIteration:
        raise DiaryError.single(file, "line 1", "empty file: the header row is missing") from None
    except csv.Error as exc:
        raise DiaryError.single(file, "line 1", f"malformed CSV: {exc}") from None
    header = [h.strip() for h in header]
    for k, name in enumerate(header):
        if name not in COLUMNS:
            problems.append(
                Problem(
                    file, f"line 1, column {name or k + 1}", "unknown column (see the diary format)"
                )
            )
        elif name in header[:k]:
            problems.append(Problem(file, f"line 1, column {name}", "column appears twice"))
    for name in REQUIRED:
        if name not in header:
            problems.append(Problem(file, "line 1", f"required column {name!r} is missing"))
    if problems:
        raise DiaryError(problems)
    catalogue: list[dict[str, Any]] = [dict(m) for m in (medications or [])]
    fixed = medications is not None
    attacks: list[dict[str, Any]] = []
    lines: list[int] = []
    last = reader.line_num
    while True:
        start_line = last + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, f"line {start_line}", f"malformed CSV: {exc}"))
            break
        last = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(attacks) >= MAX_ATTACKS:
            raise DiaryError.single(
                file, f"line {start_line}", f"more than {MAX_ATTACKS:,} attacks; refused"
            )
        row = _Row(file, start_line, problems)
        if len(cells) != len(header):
            row.problems.append(
                Problem(
                    file,
                    f"line {start_line}",
                    f"has {len(cells)} cells; the header has {len(header)}",
                )
            )
            continue
        attacks.append(_attack(dict(zip(header, cells, strict=True)), row, catalogue, fixed))
        lines.append(start_line)

    def locate(loc: tuple[str | int, ...]) -> str:
        from fhirmig.diary.checks import json_path

        if (
            len(loc) >= 3
            and loc[0] == "attacks"
            and isinstance(loc[1], int)
            and loc[1] < len(lines)
        ):
            line = lines[loc[1]]
            field = str(loc[2])
            column = _FIELD_COLUMN.get(field, field)
            if field == "twitching" and len(loc) >= 5:
                column = _TWITCH_COLUMN.get(str(loc[4]), "twitching_locations")
            elif field == "twitching":
                column = "twitching_locations"
            return f"line {line}, column {column}"
        if loc and loc[0] == "medications":
            return "catalogue " + json_path(loc)
        return json_path(loc)

    raw = {
        "format": FORMAT_VERSION,
        "patient": patient if patient is not None else {"id": default_id},
        "medications": catalogue,
        "attacks": attacks,
    }
    try:
        diary = diary_from_raw(raw, file, locate)
    except DiaryError as exc:
        # A cell that could not be parsed was left out; the model then calls it missing.
        seen = {p.location for p in problems}
        later = [p for p in exc.problems if p.location not in seen]
        raise DiaryError(sorted(problems + later, key=_line_order)) from None
    if problems:
        raise DiaryError(sorted(problems, key=_line_order))
    return diary


def _line_order(p: Problem) -> tuple[int, str]:
    parts = p.location.split(",")[0].split()
    return (int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else 0, p.location)


def _cell_number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _attack_row(a: Attack, diary: Diary) -> list[str]:
    meds = []
    for intake in a.medications:
        med = diary.medication(intake.medication)
        item = med.name if med else intake.medication
        if intake.taken is not None:
            item += "@" + intake.taken.isoformat()
        if intake.relief:
            item += "=" + intake.relief
        meds.append(item)
    twitch = a.twitching[0] if a.twitching else None
    return [
        a.id,
        a.start.isoformat(),
        a.end.isoformat() if a.end else "",
        _cell_number(a.duration_minutes),
        str(a.intensity),
        a.kind,
        "" if a.aura is None else str(a.aura).lower(),
        ";".join(a.pain_locations),
        ";".join(a.pain_qualities),
        ";".join(a.symptoms),
        ";".join(t.location for t in a.twitching),
        (twitch.description or "") if twitch else "",
        _cell_number(twitch.intensity) if twitch else "",
        ";".join(a.triggers),
        ";".join(meds),
        ";".join(m.method + (f"={m.effect}" if m.effect else "") for m in a.relief_methods),
        a.disability or "",
        a.notes or "",
    ]


def diary_to_csv(diary: Diary, attacks: Iterable[Attack] | None = None) -> str:
    """The attacks of a diary in the CSV encoding (what CSV cannot carry is left out).

    CSV has one twitching description and intensity per row, no dose, no twitching time,
    no ``extra``; use JSON for a complete diary.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for a in attacks if attacks is not None else diary.attacks:
        writer.writerow(_attack_row(a, diary))
    return out.getvalue()

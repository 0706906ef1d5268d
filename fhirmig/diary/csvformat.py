"""The CSV encoding of a diary: one attack per row, for people who keep a spreadsheet.

Cells are parsed here with errors located by line and column; the resulting data then goes
through the same model and whole-diary checks as JSON, with locations translated back to
``line N, column NAME``. A quoted cell may span lines; its row is named by the line it
starts on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fhirmig.diary.csvcells import Row, cell_value, cells, twitching
from fhirmig.diary.csvsafe import safe_cell, unescape_cell
from fhirmig.diary.fields import ATTACK_FIELDS, TWITCH_COLUMNS, AttackField, csv_columns
from fhirmig.diary.model import FORMAT_VERSION, Attack, Diary
from fhirmig.diary.reader import (
    MAX_ATTACKS,
    decode_utf8,
    diary_from_raw,
    read_bytes,
    strict_json,
)
from fhirmig.errors import DiaryError, Problem

__all__ = ["COLUMNS", "diary_to_csv", "parse_diary_csv", "read_sidecar"]

#: Every column a CSV diary may have, from the field table (:mod:`fhirmig.diary.fields`).
COLUMNS = csv_columns()
#: The fields with a column, in column order.
_CSV_FIELDS = tuple(f for f in ATTACK_FIELDS if f.csv is not None)
REQUIRED = tuple(str(f.csv) for f in _CSV_FIELDS if f.required)
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
    obj = strict_json(decode_utf8(read_bytes(side), str(side)), str(side))
    if not isinstance(obj, dict):
        raise DiaryError.single(str(side), "", "the sidecar holds a JSON object (the patient)")
    obj = dict(obj)
    if "patient" in obj:
        meds = obj.get("medications")
        return obj["patient"], meds if isinstance(meds, list) else None
    meds = obj.pop("medications", None)
    return obj, meds if isinstance(meds, list) else None


def _attack(
    cells: dict[str, str], row: Row, catalogue: list[dict[str, Any]], fixed: bool
) -> dict[str, Any]:
    a: dict[str, Any] = {}
    for f in _CSV_FIELDS:
        if f.codec == "twitching":
            twitching(cells, row, a)
            continue
        cell = cells.get(str(f.csv), "")
        if f.required and not cell.strip():
            row.error(str(f.csv), f.required)
            continue
        value = cell_value(f, cell, row, catalogue, fixed)
        if value is not None:
            a[f.json] = value
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
        row = Row(file, start_line, problems)
        if len(cells) != len(header):
            row.problems.append(
                Problem(
                    file,
                    f"line {start_line}",
                    f"has {len(cells)} cells; the header has {len(header)}",
                )
            )
            continue
        cells = [unescape_cell(cell) for cell in cells]
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
    line = parts[1] if len(parts) == 2 else ""
    return (int(line) if line.isascii() and line.isdigit() else 0, p.location)  # not '²'


def _attack_row(a: Attack, diary: Diary, fields: Iterable[AttackField]) -> list[str]:
    return [cell for f in fields for cell in cells(f, a, diary)]


def diary_to_csv(diary: Diary, attacks: Iterable[Attack] | None = None) -> str:
    """The attacks of a diary in the CSV encoding (what CSV cannot carry is left out).

    CSV has one twitching description and intensity per row, no dose, no twitching time,
    no ``extra``; use JSON for a complete diary. The optional columns
    (``most_bothersome_symptom``, ``premonitory_symptoms``, ``setting``) are written only
    when one of the attacks has a value, so other diaries keep the format's header. A cell
    a spreadsheet would run as a formula gets a leading ``'`` (:mod:`fhirmig.diary.csvsafe`),
    which the reader removes.
    """
    rows = list(attacks if attacks is not None else diary.attacks)
    used = frozenset(
        str(f.csv)
        for f in _CSV_FIELDS
        if f.optional_column and any(getattr(a, f.name) not in (None, []) for a in rows)
    )
    fields = [f for f in _CSV_FIELDS if not f.optional_column or f.csv in used]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_columns(used))
    for a in rows:
        writer.writerow([safe_cell(cell) for cell in _attack_row(a, diary, fields)])
    return out.getvalue()

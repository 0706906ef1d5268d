"""The cells of the CSV encoding, one reader and one writer per codec of the field table.

:mod:`fhirmig.diary.fields` names the codec of each column (``list``, ``intakes``, ...);
:mod:`fhirmig.diary.csvformat` walks the table and calls :func:`cell_value` to read a
cell into its JSON value and :func:`cells` to write a field's cells, so a new field with a
column of a known codec needs no code here or there.
"""

from __future__ import annotations

from typing import Any

from fhirmig.diary.drugs import match_drug
from fhirmig.diary.fields import TWITCH_COLUMNS, AttackField
from fhirmig.diary.model import Attack, Diary, Intake, slug
from fhirmig.diary.vocabulary import EFFECTS
from fhirmig.errors import Problem
from fhirmig.wording import excerpt

__all__ = ["Row", "cell_number", "cell_value", "cells", "split", "twitching"]


def split(cell: str) -> list[str]:
    """The items of a list cell (separated by ``;``), trimmed, empty ones left out."""
    return [item.strip() for item in cell.split(";") if item.strip()]


class Row:
    """One data row being read: its file and line, and the problems found so far."""

    def __init__(self, file: str, line: int, problems: list[Problem]) -> None:
        self.file, self.line, self.problems = file, line, problems

    def error(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {self.line}, column {column}", message))

    def number(self, column: str, cell: str, integer: bool) -> int | float | None:
        try:
            return int(cell) if integer else float(cell)
        except ValueError:
            kind = "a whole number" if integer else "a number (dot as decimal separator)"
            self.error(column, f"must be {kind} (got {excerpt(cell)})")
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


def twitching(row_cells: dict[str, str], row: Row, a: dict[str, Any]) -> None:
    """The twitching entries of a row: one per location, with the row's description and
    intensity."""
    locations = split(row_cells.get(TWITCH_COLUMNS["location"], ""))
    description = row_cells.get(TWITCH_COLUMNS["description"], "").strip()
    t_intensity_cell = row_cells.get(TWITCH_COLUMNS["intensity"], "").strip()
    t_intensity = (
        row.number(TWITCH_COLUMNS["intensity"], t_intensity_cell, True)
        if t_intensity_cell
        else None
    )
    if (description or t_intensity_cell) and not locations:
        row.error(
            TWITCH_COLUMNS["location"],
            "twitching description or intensity given without a location",
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


def _intakes(
    cell: str, row: Row, column: str, catalogue: list[dict[str, Any]], fixed: bool
) -> list[dict[str, Any]]:
    intakes = []
    for item in split(cell):
        intake: dict[str, Any] = {}
        body = item
        if "=" in body:
            body, relief = (s.strip() for s in body.rsplit("=", 1))
            if relief not in EFFECTS:
                row.error(
                    column,
                    f"relief must be none, some, good or complete (got {excerpt(relief)})",
                )
            else:
                intake["relief"] = relief
        if "@" in body:
            body, taken = (s.strip() for s in body.rsplit("@", 1))
            if taken:
                intake["taken"] = taken
        med_id = _catalogue_lookup(body, catalogue, fixed) if body else None
        if med_id is None:
            row.error(column, f"no medication {excerpt(body)} in the catalogue")
            continue
        intakes.append({"medication": med_id, **intake})
    return intakes


def _reliefs(cell: str, row: Row, column: str) -> list[dict[str, Any]]:
    methods = []
    for item in split(cell):
        method, _, effect = (s.strip() for s in item.partition("="))
        use: dict[str, Any] = {"method": method}
        if effect:
            if effect not in EFFECTS:
                row.error(
                    column,
                    f"effect must be none, some, good or complete (got {excerpt(effect)})",
                )
            else:
                use["effect"] = effect
        methods.append(use)
    return methods


def cell_value(
    f: AttackField, cell: str, row: Row, catalogue: list[dict[str, Any]], fixed: bool
) -> Any:
    """The JSON value of one field's cell by its codec, or None (empty, or reported)."""
    column = str(f.csv)
    text = cell.strip()
    value: Any = None
    if f.codec == "id":
        value = text or f"row-{row.line}"
    elif f.codec == "notes":
        value = cell if text else None
    elif f.codec in ("datetime", "word"):
        value = text or None
    elif f.codec in ("integer", "number") and text:
        value = row.number(column, text, integer=f.codec == "integer")
    elif f.codec == "bool" and text:
        value = {"true": True, "yes": True, "false": False, "no": False}.get(text.lower())
        if value is None:
            row.error(column, f"must be true, false, yes or no (got {excerpt(text.lower())})")
    elif f.codec == "list":
        value = split(cell) or None
    elif f.codec == "intakes":
        value = _intakes(cell, row, column, catalogue, fixed) or None
    elif f.codec == "reliefs":
        value = _reliefs(cell, row, column) or None
    return value


def cell_number(value: float | int | None) -> str:
    """A number as a cell: whole numbers without a decimal point, empty for None."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _intake_item(intake: Intake, diary: Diary) -> str:
    med = diary.medication(intake.medication)
    item = med.name if med else intake.medication
    if intake.taken is not None:
        item += "@" + intake.taken.isoformat()
    if intake.relief:
        item += "=" + intake.relief
    return item


def cells(f: AttackField, a: Attack, diary: Diary) -> list[str]:
    """The cells of one field by its codec (the twitching entry fills three columns)."""
    value = getattr(a, f.name)
    if f.codec == "twitching":
        twitch = a.twitching[0] if a.twitching else None
        return [
            ";".join(t.location for t in a.twitching),
            (twitch.description or "") if twitch else "",
            cell_number(twitch.intensity) if twitch else "",
        ]
    if value is None:
        return [""]
    if f.codec == "datetime":
        return [value.isoformat()]
    if f.codec == "number":
        return [cell_number(value)]
    if f.codec == "bool":
        return [str(value).lower()]
    if f.codec == "list":
        return [";".join(value)]
    if f.codec == "intakes":
        return [";".join(_intake_item(i, diary) for i in value)]
    if f.codec == "reliefs":
        return [";".join(m.method + (f"={m.effect}" if m.effect else "") for m in value)]
    return [str(value)]

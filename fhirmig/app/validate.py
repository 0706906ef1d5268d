"""Checking inputs: every problem of every file, and which files are fine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fhirmig.app.inputs import (
    DIARY_INPUTS,
    InputKind,
    detect_input,
    open_diary,
    reader_of,
    sidecar_owner,
)
from fhirmig.app.period import plural
from fhirmig.errors import DiaryError, FhirmigError
from fhirmig.wording import excerpt

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = ["Checked", "medication_notes", "validate_inputs"]


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome for one input: ``summary`` when fine, else ``error`` (every problem);
    ``notes`` are what a user should know about a valid diary (its catalogue)."""

    path: Path
    summary: str = ""
    error: FhirmigError | None = None
    notes: tuple[str, ...] = ()
    #: an export met in a folder: neither valid nor invalid, not a diary
    skipped: bool = False

    @property
    def ok(self) -> bool:
        """True when the input is valid."""
        return self.error is None

    def problem_lines(self, word: Callable[[FhirmigError], str] = str) -> list[str]:
        """One line per problem (a diary's each on its own); ``word`` words other errors."""
        if self.error is None:
            return []
        if isinstance(self.error, DiaryError):
            return [str(p) for p in self.error.problems]
        return word(self.error).splitlines()


def _check(path: Path, patient_id: str | None, timezone: str | None) -> Checked:
    kind = detect_input(path)
    if kind is InputKind.CSV_SIDECAR:
        owner = sidecar_owner(path)
        if owner is not None:
            open_diary(owner, command="validate", patient_id=patient_id, timezone=timezone)
            return Checked(path, f"OK (the patient file of {owner.name})")
    csv_only = kind in (InputKind.DIARY_CSV, InputKind.CSV)
    diary = open_diary(
        path,
        command="validate",
        patient_id=patient_id if csv_only else None,
        timezone=timezone if csv_only else None,
    )
    what = (
        ""
        if kind in (InputKind.DIARY_JSON, InputKind.DIARY_CSV, InputKind.CSV)
        else f"{kind.value}, "
    )
    return Checked(
        path,
        f"OK ({what}{plural(len(diary.attacks), 'attack')}, {plural(len(diary.days), 'day')})",
        notes=tuple(medication_notes(diary)),
    )


def medication_notes(diary: Diary) -> list[str]:
    """What a user should know about the catalogue: names left ``other``, and for each one
    the drug table would classify, the class it would give."""
    from fhirmig.diary.drugs import left_other, match_drug, not_counted_line

    names = left_other(diary.medications)
    line = not_counted_line(names)
    out = [line] if line else []
    for name in names:
        found = match_drug(name)
        if found.classified:
            out.append(
                f"medication {excerpt(name)} has class 'other'; the drug table reads it as "
                f"{found.drug_class!r} (set its class to count it)"
            )
    return out


def validate_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    patient_id: str | None = None,
    timezone: str | None = None,
) -> list[Checked]:
    """Check each input (any diary input, a CSV's patient file, or a folder of diaries,
    whose files are checked one by one); never stop at one.

    ``patient_id`` and ``timezone`` apply to the CSV diaries among the inputs.
    """
    results = []
    for raw in paths:
        for path, in_folder in _expand(Path(raw)):
            skipped = _skipped(path) if in_folder else None
            if skipped is not None:
                results.append(skipped)
                continue
            try:
                results.append(_check(path, patient_id, timezone))
            except FhirmigError as exc:
                results.append(Checked(path, error=exc))
    return results


def _expand(path: Path) -> list[tuple[Path, bool]]:
    """A folder of diaries as its diary files (sorted, sub-folders too, hidden ones not),
    each with whether it was found in a folder (rather than named by the user)."""
    if detect_input(path) is not InputKind.DIARY_FOLDER:
        return [(path, False)]
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [
            (Path(folder) / name, True)
            for name in sorted(files)
            if not name.startswith(".") and name.lower().endswith((".json", ".csv"))
        ]
    return found


def _skipped(path: Path) -> Checked | None:
    """A file met in a folder that is another app's export: listed as skipped, not invalid."""
    kind = detect_input(path)
    if kind in DIARY_INPUTS or kind is InputKind.CSV_SIDECAR:
        return None
    return Checked(path, f"skipped: is {kind.value}; {reader_of(kind)}", skipped=True)

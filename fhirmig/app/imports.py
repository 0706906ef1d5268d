"""Importing another app's or a wearable's export as a new diary, or into a diary.

A new diary (``output``) never replaces a file already there unless ``force`` is given:
written over the patient's diary, an import would keep only what the export holds, and
adding to a diary is what ``into`` is for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fhirmig.app.inputs import InputKind, detect_input, refuse
from fhirmig.app.outputs import Output, check_diary_output, check_new_diary, check_output
from fhirmig.errors import UsageError
from fhirmig.wording import excerpt

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary
    from fhirmig.importers import ImportResult

__all__ = ["SOURCES", "ImportOutcome", "ImportSource", "import_export"]

ImportSource = Literal["migraine-buddy", "apple-health", "daily-csv", "fitbit-sleep"]

#: source -> (importer in fhirmig.importers, input kinds it takes)
SOURCES: dict[str, tuple[str, frozenset[InputKind]]] = {
    "migraine-buddy": (
        "import_migraine_buddy",
        frozenset({InputKind.MIGRAINE_BUDDY, InputKind.CSV, InputKind.DAILY_CSV}),
    ),
    "apple-health": ("import_apple_health", frozenset({InputKind.APPLE_HEALTH})),
    "daily-csv": ("import_daily_csv", frozenset({InputKind.DAILY_CSV, InputKind.CSV})),
    # a Takeout folder, a JSON file or the CSV: the importer tells them by their content
    "fitbit-sleep": ("import_fitbit_sleep", frozenset(InputKind)),
}
#: Attacks of these sources starting this close to one in the --into diary are that attack.
_SAME_START_WITHIN: dict[str, timedelta] = {"apple-health": timedelta(minutes=15)}


def _surely(kind: InputKind, src: Path) -> bool:
    """True when the kind is certain enough to refuse the export for it.

    A file that merely does not look like a diary JSON is left to the importer, which
    says precisely what it misses.
    """
    if kind is InputKind.DIARY_JSON:
        return src.suffix.lower() == ".json" and src.is_file()
    # a PDF, workbook, zip without an export, web page: the importer says what the file
    # looks like in the words of the export it wants
    return kind is not InputKind.OTHER


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did: ``notes`` for the user to read (standard error), ``lines``
    saying what was imported, changed and written (standard output)."""

    notes: tuple[str, ...] = ()
    lines: tuple[str, ...] = field(default_factory=tuple)
    #: the diary itself went to standard output (``-``): the lines belong on standard error
    to_stdout: bool = False


def _patient(
    into: Path | None,
    output: Path | None,
    patient_id: str | None,
    timezone: str | None,
    notes: list[str],
) -> tuple[str, str]:
    """The patient id and zone to import with, checked against the ``into`` diary.

    An export names nobody, so the id is never made up (from the file name, say: every
    ``export.xml`` would become the same patient): without ``into`` it must be given.
    """
    if into is None:
        pid = patient_id
        if not pid:
            raise UsageError(
                "{patient_id} ID is required for a new diary (an export names nobody), "
                "or add to an existing diary with {into} DIARY",
                params=("patient_id", "into"),
            )
        if timezone is None:
            notes.append("no time zone given; times and calendar days are read in UTC")
        return pid, timezone or "UTC"
    from fhirmig.diary import read_diary

    if into.suffix.lower() == ".csv" and output is None:
        raise UsageError(
            "{into} " + f"{into}: a CSV diary cannot hold days; add " + "{output} FILE.json",
            params=("into", "output"),
        )
    base = read_diary(into).patient
    if patient_id is not None and patient_id != base.id:
        raise UsageError(
            "{patient_id} " + f"{excerpt(patient_id)} differs from the patient of {into}",
            params=("patient_id",),
        )
    if timezone is not None and timezone != base.timezone:
        raise UsageError(
            "{timezone} " + f"{timezone} differs from {into}'s zone {base.timezone}",
            params=("timezone",),
        )
    return base.id, base.timezone


def import_export(
    source: ImportSource,
    export: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    into: str | os.PathLike[str] | None = None,
    patient_id: str | None = None,
    timezone: str | None = None,
    force: bool = False,
    options: dict[str, Any] | None = None,
) -> ImportOutcome:
    """Import ``export`` (of kind ``source``) to a new diary ``output`` or into ``into``.

    ``options`` go to the importer (``day_first``, ``missing_pain``, ``keep_setting``,
    ``columns``). Without
    ``into``, the patient id is ``patient_id`` (required); with it, the diary's patient,
    which the two must not contradict.

    Raises:
        UsageError: neither ``output`` nor ``into``, an ``output`` that exists without
            ``force``, or patient options that contradict the ``into`` diary.
        InputError: the export is of another kind (the message names the command for it).
    """
    importer_name, kinds = SOURCES[source]
    src = Path(export)
    out = Path(output) if output is not None else None
    base = Path(into) if into is not None else None
    if base is None and out is None:
        raise UsageError(
            "give {output} FILE (a new diary) or {into} DIARY (add to a diary)",
            params=("output", "into"),
        )
    kind = detect_input(src)
    if kind not in kinds and _surely(kind, src):
        raise refuse(src, kind, f"import {source}")
    protect = [("export", src)]
    target: Output | None = None
    if out is not None:
        target = check_output(out, protect=protect)
        check_diary_output(out)
        if base is None:
            check_new_diary(out, force=force)
    if base is not None:
        checked = check_output(base, protect=protect, param="into")
        target = target or checked
    if target is None:  # pragma: no cover - refused above
        raise UsageError("give {output} or {into}", params=("output", "into"))
    notes: list[str] = []
    pid, zone = _patient(base, out, patient_id, timezone, notes)
    import fhirmig.importers as importers

    importer: Callable[..., ImportResult] = getattr(importers, importer_name)
    result = importer(src, patient_id=pid, timezone=zone, **(options or {}))
    return _finish(result, target, base, notes, _SAME_START_WITHIN.get(source, timedelta(0)))


def _write(diary: Diary, target: Output) -> None:
    from fhirmig.diary import write_diary

    target.produce(lambda path: write_diary(diary, path), name="diary.json")


def _finish(
    result: ImportResult,
    target: Output,
    into: Path | None,
    notes: list[str],
    same_start_within: timedelta,
) -> ImportOutcome:
    from fhirmig.diary import read_diary
    from fhirmig.importers import merge_diaries

    notes.extend(str(note) for note in result.notes)
    lines = [result.summary()]
    if into is None:
        _write(result.diary, target)
        lines.append(f"wrote {target.label}")
        return ImportOutcome(tuple(notes), tuple(lines), target.is_stdout)
    merged = merge_diaries(read_diary(into), result.diary, same_start_within=same_start_within)
    lines.extend(f"{into}: {change}" for change in (*merged.changes, *merged.kept))
    if merged.changed or target.path != into:
        _write(merged.diary, target)
        lines.append(f"wrote {target.label}")
    else:
        lines.append(f"{into}: nothing changed")
    return ImportOutcome(tuple(notes), tuple(lines), target.is_stdout)

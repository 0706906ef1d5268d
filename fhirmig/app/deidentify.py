"""De-identifying diaries for research, by either method, and making the secret key.

- :func:`deidentify_file`, the keyed method: one diary in, one diary out, with a keyed
  pseudonym and every date shifted (a limited data set, 45 CFR 164.514(e), unless an
  expert determination covers it; not Safe Harbor);
- :func:`safe_harbor_export`, Safe Harbor (45 CFR 164.514(b)(2)): diaries in, three
  tables out with random study codes, years only and no free text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhirmig.app.context import RunContext
from fhirmig.app.convert import Converted
from fhirmig.app.inputs import open_diary
from fhirmig.app.outputs import check_diary_output, check_output
from fhirmig.errors import OutputError, UsageError
from fhirmig.files import atomic_write, create_new_file, ensure_dir

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = [
    "SAFE_HARBOR_FILES",
    "SafeHarborExport",
    "deidentify_file",
    "make_key",
    "safe_harbor_export",
]


def make_key(path: str | os.PathLike[str]) -> Path:
    """Write a new random key file (mode 0600); an existing file is never replaced."""
    from fhirmig.privacy import write_new_key

    return write_new_key(path)


def deidentify_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    key_file: str | os.PathLike[str],
    keep_notes: bool = False,
    patient_id: str | None = None,
    timezone: str | None = None,
) -> Converted:
    """Write the keyed de-identified diary of ``source`` (any diary input) as JSON.

    Keyed pseudonym, names, identifiers and free text removed, dates shifted by the
    patient's offset (:func:`fhirmig.privacy.deidentify_diary`). The output may be
    neither the input nor the key: losing the key loses the pseudonyms for good.
    """
    check_diary_output(output, what="the de-identified diary")
    out = check_output(output, protect=[("input", source), ("key", key_file)])
    ctx = RunContext.create(deidentify=True, key_file=key_file, keep_notes=keep_notes)
    from fhirmig.diary.writer import write_diary

    diary = ctx.prepare(
        open_diary(source, command="deidentify", patient_id=patient_id, timezone=timezone)
    )
    out.produce(lambda path: write_diary(diary, path), name="diary.json")
    return Converted(out.label, len(diary.attacks), "attacks", out.is_stdout)


@dataclass(frozen=True, slots=True)
class SafeHarborExport:
    """What a Safe Harbor export wrote: the folder, its three tables, the mapping file."""

    folder: Path
    files: tuple[Path, ...]
    patients: int
    attacks: int
    days: int
    mapping: Path | None


#: The files of a Safe Harbor export, in its folder.
SAFE_HARBOR_FILES = ("patients.csv", "attacks.csv", "days.csv")


def safe_harbor_export(
    sources: Sequence[str | os.PathLike[str]],
    folder: str | os.PathLike[str],
    *,
    mapping: str | os.PathLike[str] | None = None,
    patient_id: str | None = None,
    timezone: str | None = None,
    context: RunContext | None = None,
) -> SafeHarborExport:
    """Write the Safe Harbor research export of ``sources`` into ``folder``.

    ``patients.csv``, ``attacks.csv`` and ``days.csv`` (see
    :mod:`fhirmig.privacy.safeharbor`; mode 0600, the folder 0700). Each patient's
    figures are those of ``fhirmig stats --json`` over the original diary, computed
    before any date is removed. Study codes are random; with ``mapping`` the link from
    each code to its input and patient id is written to that file (mode 0600, never
    over an existing file, never inside ``folder``), otherwise it is kept nowhere.

    Raises:
        UsageError: no input.
        OutputError: the folder already holds an export, the mapping file exists or lies
            in the folder, or an output is an input.
        PrivacyError: two inputs hold the same patient.
        InputError, DiaryError, MappingError: an input cannot be read.
    """
    if not sources:
        raise UsageError("give at least one diary")
    ctx = context or RunContext.create()
    inputs = [("input", s) for s in sources]
    check_output(folder, protect=inputs, folder=True, param="output")  # refuses "-"
    out = Path(folder)
    targets = [out / name for name in SAFE_HARBOR_FILES]
    for target in targets:
        if os.path.lexists(target):
            raise OutputError(f"{target}: already exists; write a new export into an empty folder")
    map_path = None if mapping is None else Path(mapping)
    if map_path is not None:
        check_output(map_path, protect=inputs, param="mapping")
        if os.path.lexists(map_path):
            raise OutputError(f"{map_path}: already exists; a mapping file is never overwritten")
        if map_path.absolute().parent.resolve().is_relative_to(out.absolute().resolve()):
            raise OutputError(
                f"{map_path}: lies in the export folder {out}; the mapping re-identifies "
                "the patients, so keep it apart from what you hand on"
            )
    from fhirmig.analysis import compute_stats, stats_to_json
    from fhirmig.privacy.safeharbor import new_study_code, safe_harbor_tables, write_tables

    rows: list[tuple[Diary, dict[str, Any], str]] = []
    links: list[tuple[str, str, str]] = []
    for source in sources:
        diary = open_diary(source, command="deidentify", patient_id=patient_id, timezone=timezone)
        code = new_study_code(r[2] for r in rows)
        rows.append((diary, stats_to_json(compute_stats(diary)), code))
        links.append((code, os.fspath(source), diary.patient.id))
    tables = safe_harbor_tables(rows, ctx.today)
    ensure_dir(out)
    for target, data in zip(targets, write_tables(tables), strict=True):
        atomic_write(target, data)
    if map_path is not None:
        create_new_file(map_path, _mapping_csv(sorted(links)), "mapping file")
    return SafeHarborExport(
        out, tuple(targets), len(tables.patients), len(tables.attacks), len(tables.days), map_path
    )


def _mapping_csv(links: Iterable[tuple[str, str, str]]) -> bytes:
    import csv
    import io

    from fhirmig.diary.csvsafe import safe_cell

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("study_code", "input", "patient_id"))
    # file names and patient ids are the user's: none may run as a spreadsheet formula
    writer.writerows([safe_cell(cell) for cell in row] for row in links)
    return text.getvalue().encode("utf-8")

"""``fhirmig validate FILE...``: check diaries and print every problem."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fhirmig.commands._common import csv_patient_options, echo_err, handle_errors, load_diary
from fhirmig.errors import DiaryError, FhirmigError

if TYPE_CHECKING:
    from fhirmig.diary import Diary


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
                f"medication {name!r} has class 'other'; the drug table reads it as "
                f"{found.drug_class!r} (set its class to count it)"
            )
    return out


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@csv_patient_options
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, not the OK lines.")
@handle_errors
def validate(
    files: tuple[Path, ...], csv_patient_id: str | None, csv_timezone: str | None, quiet: bool
) -> None:
    """Check each diary FILE (JSON or CSV) against the diary format.

    Prints every problem as FILE: LOCATION: message. Exits 0 when every file is valid,
    1 when any is not, 2 on a usage error.
    """
    bad = 0
    for path in files:
        try:
            diary = load_diary(path, csv_patient_id, csv_timezone)
        except DiaryError as exc:
            bad += 1
            for problem in exc.problems:
                echo_err(str(problem))
            continue
        except FhirmigError as exc:
            bad += 1
            echo_err(str(exc))
            continue
        if not quiet:
            click.echo(f"{path}: OK ({len(diary.attacks)} attacks, {len(diary.days)} days)")
        for line in medication_notes(diary):
            echo_err(f"{path}: note: {line}")
    if bad:
        echo_err(f"{bad} of {len(files)} files invalid")
        sys.exit(1)

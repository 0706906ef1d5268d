"""``fhirmig validate FILE...``: check diaries and print every problem."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fhirmig.app import plural, validate_inputs
from fhirmig.commands._common import csv_patient_options, echo_err, handle_errors, word

__all__ = ["validate"]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@csv_patient_options
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, not the OK lines.")
@handle_errors
def validate(
    files: tuple[Path, ...], csv_patient_id: str | None, csv_timezone: str | None, quiet: bool
) -> None:
    """Check each FILE against the diary format: a diary (JSON, or CSV with its
    NAME.patient.json), fhirmig's FHIR (a Bundle, NDJSON file or folder), or a folder of
    diaries (each file inside is checked; other apps' exports there are listed as skipped).

    Prints every problem as FILE: LOCATION: message. Exits 0 when every file is valid,
    1 when any is not, 2 on a usage error.

    \b
    Examples:
      fhirmig validate diary.json
      fhirmig validate examples/*
      fhirmig validate -q diaries/*.csv --timezone Europe/Berlin
    """
    results = validate_inputs(files, patient_id=csv_patient_id, timezone=csv_timezone)
    bad = 0
    for checked in results:
        if checked.ok:
            if not quiet:
                click.echo(f"{checked.path}: {checked.summary}")
            for line in checked.notes:
                echo_err(f"{checked.path}: note: {line}")
            continue
        bad += 1
        for line in checked.problem_lines(word):
            echo_err(line)
    if bad:
        total = sum(1 for r in results if not r.skipped)
        echo_err(f"{bad} of {plural(total, 'file')} invalid")
        sys.exit(1)

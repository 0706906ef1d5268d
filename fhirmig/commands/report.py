"""``fhirmig report INPUT -o report.pdf``: write the clinician-ready PDF report."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fhirmig.commands._common import (
    csv_patient_options,
    deidentify_key,
    deidentify_options,
    handle_errors,
    load_input,
)
from fhirmig.errors import UsageError

if TYPE_CHECKING:
    pass

__all__ = ["generated_date", "report"]


def generated_date() -> date:
    """The report's "generated" date: ``SOURCE_DATE_EPOCH`` (UTC) if set, else today (UTC).

    Reproducible builds set ``SOURCE_DATE_EPOCH``; with it, the same input gives a
    byte-identical PDF on any day.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(raw), UTC).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise UsageError(f"SOURCE_DATE_EPOCH={raw!r}: not a Unix time in seconds") from exc


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PDF file to write (mode 0600; replaced atomically).",
)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of templates and organisations.json that replace the built-in ones.",
)
@click.option(
    "--migraine-day",
    type=click.Choice(["diary", "ichd"]),
    default="diary",
    show_default=True,
    help="Migraine-day definition (see the report's methods section).",
)
@click.option(
    "--sections",
    default="neurologist",
    show_default=True,
    metavar="LIST",
    help="Sections to print, comma-separated: summary, calendar, charts, twitching, "
    "triggers, medication, treatment-response, questionnaires, log, appendices; or a "
    "preset: neurologist (all), gp, payer.",
)
@csv_patient_options
@deidentify_options
@handle_errors
def report(
    input_path: Path,
    output: Path,
    start: datetime | None,
    end: datetime | None,
    paper: str,
    templates: Path | None,
    migraine_day: str,
    sections: str,
    csv_patient_id: str | None,
    csv_timezone: str | None,
    deidentify: bool,
    key_file: Path | None,
    keep_notes: bool,
) -> None:
    """Write the clinician-ready PDF report of INPUT (a diary, JSON or CSV, or fhirmig's FHIR).

    The "generated" date is SOURCE_DATE_EPOCH when set (reproducible output), else today.
    With --deidentify the report shows no identity and shifted dates; --from and --to are
    given in real dates and shifted alike.
    """
    from fhirmig.report import render_report, resolve_sections

    resolve_sections(sections)  # a bad name is a usage error before the input is read
    diary = load_input(input_path, csv_patient_id, csv_timezone)
    first, last = (start.date() if start else None), (end.date() if end else None)
    key = deidentify_key(deidentify, key_file, keep_notes)
    if key is not None:
        from fhirmig.privacy import date_shift_days, deidentify_diary

        shift = timedelta(days=date_shift_days(diary.patient.id, key))
        first, last = (first + shift if first else None), (last + shift if last else None)
        diary = deidentify_diary(diary, key, keep_notes=keep_notes)
    out = render_report(
        diary,
        output,
        start=first,
        end=last,
        paper="letter" if paper == "letter" else "a4",
        templates=templates,
        migraine_day="ichd" if migraine_day == "ichd" else "diary",
        generated=generated_date(),
        sections=sections,
    )
    click.echo(f"{out}: written")

"""``fhirmig report INPUT -o report.pdf``: write the clinician-ready PDF report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from fhirmig.app import RunContext, write_report
from fhirmig.commands._common import (
    DATE,
    csv_patient_options,
    day,
    deidentify_options,
    echo_err,
    handle_errors,
)

__all__ = ["report"]


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PDF file to write (mode 0600; replaced atomically). - writes standard output "
    "when it is not a terminal.",
)
@click.option("--from", "start", type=DATE, metavar="YYYY-MM-DD", help="First day reported.")
@click.option("--to", "end", type=DATE, metavar="YYYY-MM-DD", help="Last day reported.")
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
@click.option(
    "--language",
    metavar="LANG",
    help="Language of the report: en, or a language whose catalogue fhirmig ships (de, "
    "...). Default: the diary's patient.language when shipped, else en.",
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
    language: str | None,
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

    \b
    Examples:
      fhirmig report diary.json -o report.pdf
      fhirmig report diary.json --from 2026-01-01 --to 2026-03-31 -o q1.pdf
      fhirmig report diary.json --sections gp -o for-the-gp.pdf
      fhirmig report diary.json --language de -o bericht.pdf
      fhirmig report diary.json -o - | lpr
    """
    context = RunContext.create(deidentify=deidentify, key_file=key_file, keep_notes=keep_notes)
    done = write_report(
        input_path,
        output,
        start=day(start),
        end=day(end),
        paper="letter" if paper == "letter" else "a4",
        templates=templates,
        migraine_day="ichd" if migraine_day == "ichd" else "diary",
        patient_id=csv_patient_id,
        timezone=csv_timezone,
        sections=sections,
        context=context,
        language=language,
    )
    for warning in done.warnings:
        echo_err(f"warning: {warning}")
    if done.to_stdout:
        echo_err("report written to standard output")
    else:
        click.echo(f"{done.label}: written")

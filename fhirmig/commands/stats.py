"""``fhirmig stats DIARY``: the clinical figures, as a table or as the JSON contract."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from fhirmig.app import compute_figures
from fhirmig.commands._common import DATE, csv_patient_options, day, echo_err, handle_errors

__all__ = ["stats"]


@click.command()
@click.argument("diary", type=click.Path(path_type=Path))
@click.option("--from", "start", type=DATE, metavar="YYYY-MM-DD", help="First day counted.")
@click.option("--to", "end", type=DATE, metavar="YYYY-MM-DD", help="Last day counted.")
@click.option(
    "--migraine-day",
    type=click.Choice(["diary", "ichd"]),
    default="diary",
    show_default=True,
    help="Migraine-day definition (docs/clinical-definitions.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON object of the contract.")
@click.option(
    "--compare-previous",
    is_flag=True,
    help="Also compute the period of equal length just before, side by side.",
)
@csv_patient_options
@handle_errors
def stats(
    diary: Path,
    start: datetime | None,
    end: datetime | None,
    migraine_day: str,
    as_json: bool,
    compare_previous: bool,
    csv_patient_id: str | None,
    csv_timezone: str | None,
) -> None:
    """Headache, migraine and acute-medication days of DIARY, per period and per month.

    DIARY is a diary (JSON or CSV) or fhirmig's FHIR (a Bundle, NDJSON file or folder).
    Days are calendar days in the patient's time zone. Threshold checks are patterns
    for discussion, not a diagnosis.

    \b
    Examples:
      fhirmig stats diary.json
      fhirmig stats diary.json --from 2026-01-01 --to 2026-03-31 --compare-previous
      fhirmig stats diary.json --json | jq .migraine_days
    """
    figures = compute_figures(
        diary,
        start=day(start),
        end=day(end),
        migraine_day="ichd" if migraine_day == "ichd" else "diary",
        compare_previous=compare_previous,
        patient_id=csv_patient_id,
        timezone=csv_timezone,
    )
    for warning in figures.warnings:
        echo_err(f"warning: {warning}")
    click.echo(figures.to_json_text() if as_json else figures.to_table())

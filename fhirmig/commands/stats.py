"""``fhirmig stats DIARY``: the clinical figures, as a table or as the JSON contract."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from fhirmig.commands._common import csv_patient_options, handle_errors, load_diary

__all__ = ["stats"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


@click.command()
@click.argument("diary", type=click.Path(path_type=Path))
@click.option("--from", "start", type=_DATE, metavar="YYYY-MM-DD", help="First day counted.")
@click.option("--to", "end", type=_DATE, metavar="YYYY-MM-DD", help="Last day counted.")
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

    Days are calendar days in the patient's time zone. Threshold checks are patterns
    for discussion, not a diagnosis.
    """
    from fhirmig.analysis import compute_stats, format_stats_table, stats_to_json

    loaded = load_diary(diary, csv_patient_id, csv_timezone)
    figures = compute_stats(
        loaded,
        start=_day(start),
        end=_day(end),
        migraine_day="ichd" if migraine_day == "ichd" else "diary",
        compare_previous=compare_previous,
    )
    if as_json:
        import orjson

        click.echo(orjson.dumps(stats_to_json(figures), option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(format_stats_table(figures))

"""``fhirmig import SOURCE ...``: make a diary from another app's or a wearable's export.

Each sub-command writes a new diary (``-o``) or adds to an existing one (``--into``),
prints what it imported and what it changed, and lists on standard error the notes a
user should read (words kept as free text, columns not carried over).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from fhirmig.app import ImportOutcome, ImportSource, import_export
from fhirmig.commands._common import echo_err, handle_errors
from fhirmig.errors import UsageError

__all__ = ["import_group"]


def _target_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``-o``, ``--into``, ``--force``, ``--patient-id`` and ``--timezone``, for every source."""
    func = click.option(
        "--timezone",
        metavar="ZONE",
        help="The patient's IANA time zone (default: the --into diary's, else UTC).",
    )(func)
    func = click.option(
        "--patient-id",
        metavar="ID",
        help="The diary's patient id (default: the --into diary's).",
    )(func)
    func = click.option(
        "--force",
        is_flag=True,
        help="With -o: replace a file that is already there (to add to a diary, use --into).",
    )(func)
    func = click.option(
        "--into",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Add to this diary, keeping its entries (written back unless -o is given).",
    )(func)
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write a new diary here (an existing file is kept unless --force).",
    )(func)
    return func


def _run(source: ImportSource, export: Path, **kwargs: Any) -> None:
    outcome: ImportOutcome = import_export(source, export, **kwargs)
    for note in outcome.notes:
        echo_err(f"note: {note}")
    for line in outcome.lines:
        click.echo(line)


@click.group("import")
def import_group() -> None:
    """Import Migraine Buddy, Apple Health or wearable data as a diary."""


@import_group.command("migraine-buddy")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@_target_options
@click.option(
    "--day-first/--month-first",
    "day_first",
    default=None,
    help="Order of numeric dates such as 3/10/26 (default: worked out from the file).",
)
@click.option(
    "--missing-pain",
    type=click.IntRange(0, 10),
    default=0,
    show_default=True,
    help="Intensity for attacks whose pain level is empty (their notes say so).",
)
@handle_errors
def migraine_buddy(
    export: Path,
    output: Path | None,
    into: Path | None,
    patient_id: str | None,
    timezone: str | None,
    force: bool,
    day_first: bool | None,
    missing_pain: int,
) -> None:
    """Import EXPORT, the CSV Migraine Buddy exports for doctors.

    \b
    Examples:
      fhirmig import migraine-buddy export.csv -o diary.json --patient-id p1 --timezone Europe/Paris
      fhirmig import migraine-buddy export.csv --into diary.json
    """
    _run(
        "migraine-buddy", export, output=output, into=into, patient_id=patient_id,
        timezone=timezone, force=force,
        options={"day_first": day_first, "missing_pain": missing_pain},
    )  # fmt: skip


@import_group.command("apple-health")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@_target_options
@handle_errors
def apple_health(
    export: Path,
    output: Path | None,
    into: Path | None,
    patient_id: str | None,
    timezone: str | None,
    force: bool,
) -> None:
    """Import sleep from an Apple Health EXPORT (export.xml or export.zip) as daily sleep hours.


    \b
    Examples:
      fhirmig import apple-health export.zip --into diary.json
      fhirmig import apple-health export.xml -o sleep.json --patient-id p1
    """
    _run(
        "apple-health", export, output=output, into=into, patient_id=patient_id,
        timezone=timezone, force=force,
    )  # fmt: skip


@import_group.command("daily-csv")
@click.argument("csv_file", metavar="CSV", type=click.Path(dir_okay=False, path_type=Path))
@_target_options
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Read the daily FIELD (sleep_hours, stress, ..., or date) from column HEADER.",
)
@click.option(
    "--day-first/--month-first",
    "day_first",
    default=None,
    help="Order of numeric dates (default: worked out from the file).",
)
@handle_errors
def daily_csv(
    csv_file: Path,
    output: Path | None,
    into: Path | None,
    patient_id: str | None,
    timezone: str | None,
    force: bool,
    columns: tuple[str, ...],
    day_first: bool | None,
) -> None:
    """Import a daily CSV (date,sleep_hours,steps,...) from a wearable or another app.


    \b
    Examples:
      fhirmig import daily-csv watch.csv --into diary.json
      fhirmig import daily-csv sleep.csv -o days.json --column date=Day --column sleep_hours=Zzz
    """
    mapping: dict[str, str] = {}
    for item in columns:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise UsageError(f"--column {item!r}: write it FIELD=HEADER, e.g. sleep_hours=Sleep")
        mapping[field.strip()] = header.strip()
    _run(
        "daily-csv", csv_file, output=output, into=into, patient_id=patient_id,
        timezone=timezone, force=force, options={"columns": mapping, "day_first": day_first},
    )  # fmt: skip

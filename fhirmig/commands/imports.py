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
from fhirmig.errors import ImportSourceError, UsageError

__all__ = ["import_group"]


def _target_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``-o``, ``--into``, ``--force``, ``--patient-id``, ``--timezone``, ``--all-problems``."""
    func = click.option(
        "--all-problems",
        "all_problems",
        is_flag=True,
        help=f"List every problem and note (default: the first {MAX_LINES}, then a count).",
    )(func)
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
        help="Write a new diary here (- for standard output; an existing file is kept "
        "unless --force).",
    )(func)
    return func


#: Problem and note lines printed for one file before "and N more".
MAX_LINES = 20


def _capped(lines: list[str], all_lines: bool, what: str) -> list[str]:
    """At most :data:`MAX_LINES` lines, then ``and N more`` (all with --all-problems)."""
    if all_lines or len(lines) <= MAX_LINES:
        return lines
    rest = len(lines) - MAX_LINES
    return [*lines[:MAX_LINES], f"and {rest} more {what} (--all-problems lists every one)"]


def _run(source: ImportSource, export: Path, all_problems: bool, **kwargs: Any) -> None:
    try:
        outcome: ImportOutcome = import_export(source, export, **kwargs)
    except ImportSourceError as exc:
        if not exc.problems:
            raise
        echo_err(exc.summary)
        for line in _capped([str(p) for p in exc.problems], all_problems, "problems"):
            echo_err(line)
        raise SystemExit(exc.exit_code) from None
    for line in _capped([f"note: {n}" for n in outcome.notes], all_problems, "notes"):
        echo_err(line)
    for line in outcome.lines:
        click.echo(line, err=outcome.to_stdout)


@click.group("import")
def import_group() -> None:
    """Import Migraine Buddy, Apple Health, Fitbit or other wearable data as a diary.

    A new diary (-o) never replaces a file already there unless --force is given; to add
    an export to an existing diary, use --into.

    \b
    Examples:
      fhirmig import migraine-buddy export.csv -o diary.json --patient-id p1
      fhirmig import apple-health export.zip --into diary.json
    """


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
@click.option(
    "--keep-setting",
    is_flag=True,
    help="Keep each attack's location (Home, Work, Out) as its setting, which then goes "
    "into the CSV, FHIR and uploads; left out by default.",
)
@handle_errors
def migraine_buddy(
    export: Path,
    output: Path | None,
    into: Path | None,
    patient_id: str | None,
    timezone: str | None,
    force: bool,
    all_problems: bool,
    day_first: bool | None,
    missing_pain: int,
    keep_setting: bool,
) -> None:
    """Import EXPORT, Migraine Buddy's CSV export or its saved "For my doctor" report (HTML).

    \b
    Examples:
      fhirmig import migraine-buddy export.csv -o diary.json --patient-id p1 --timezone Europe/Paris
      fhirmig import migraine-buddy export.csv --into diary.json
    """
    _run(
        "migraine-buddy", export, all_problems, output=output, into=into,
        patient_id=patient_id, timezone=timezone, force=force,
        options={"day_first": day_first, "missing_pain": missing_pain,
                 "keep_setting": keep_setting},
    )  # fmt: skip


@import_group.command("apple-health")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@_target_options
@click.option(
    "--missing-pain",
    type=click.IntRange(0, 10),
    default=0,
    show_default=True,
    help="Intensity for headaches logged with severity 'unspecified' (their notes say so).",
)
@handle_errors
def apple_health(
    export: Path,
    output: Path | None,
    into: Path | None,
    patient_id: str | None,
    timezone: str | None,
    force: bool,
    all_problems: bool,
    missing_pain: int,
) -> None:
    """Import sleep, menstruation and headaches from an Apple Health EXPORT (xml or zip).

    Headaches merge with attacks already in the --into diary: one starting within 15
    minutes of an attack there is that attack.


    \b
    Examples:
      fhirmig import apple-health export.zip --into diary.json
      fhirmig import apple-health export.xml -o sleep.json --patient-id p1
    """
    _run(
        "apple-health", export, all_problems, output=output, into=into,
        patient_id=patient_id, timezone=timezone, force=force,
        options={"missing_pain": missing_pain},
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
    all_problems: bool,
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
        "daily-csv", csv_file, all_problems, output=output, into=into,
        patient_id=patient_id, timezone=timezone, force=force,
        options={"columns": mapping, "day_first": day_first},
    )  # fmt: skip


@import_group.command("fitbit-sleep")
@click.argument("source", metavar="PATH", type=click.Path(path_type=Path))
@_target_options
@handle_errors
def fitbit_sleep(
    source: Path,
    output: Path | None,
    into: Path | None,
    patient_id: str | None,
    timezone: str | None,
    force: bool,
    all_problems: bool,
) -> None:
    """Import sleep from Fitbit: a Takeout folder of sleep-YYYY-MM-DD.json files, one such
    file, or the sleep CSV export, as daily hours asleep of the main sleep.

    \b
    Examples:
      fhirmig import fitbit-sleep "Takeout/Fitbit/Global Export Data" --into diary.json
      fhirmig import fitbit-sleep sleep_export.csv -o days.json --patient-id p1
    """
    _run(
        "fitbit-sleep", source, all_problems, output=output, into=into,
        patient_id=patient_id, timezone=timezone, force=force,
    )  # fmt: skip

"""``fhirmig import SOURCE ...``: make a diary from another app's or a wearable's export.

Each sub-command writes a new diary (``-o``) or adds to an existing one (``--into``),
prints what it imported and what it changed, and lists on standard error the notes a
user should read (words kept as free text, columns not carried over).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fhirmig.commands._common import echo_err, handle_errors
from fhirmig.errors import UsageError

if TYPE_CHECKING:
    from fhirmig.importers import ImportResult

__all__ = ["import_group"]


def _target_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``-o``, ``--into``, ``--patient-id`` and ``--timezone``, shared by every source."""
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
        "--into",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Add to this diary, keeping its entries (written back unless -o is given).",
    )(func)
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the diary here.",
    )(func)
    return func


def _patient(
    into: Path | None,
    output: Path | None,
    patient_id: str | None,
    timezone: str | None,
) -> tuple[str, str]:
    """The patient id and zone to import with, checked against the --into diary.

    An export names nobody, so the id is never made up (from the file name, say: every
    ``export.xml`` would become the same patient): without --into it must be given.
    """
    if into is None and output is None:
        raise UsageError("give -o FILE (a new diary) or --into DIARY (add to a diary)")
    if into is None:
        pid = patient_id
        if not pid:
            raise UsageError(
                "--patient-id ID is required for a new diary (an export names nobody), "
                "or add to an existing diary with --into DIARY"
            )
        if timezone is None:
            echo_err("note: no --timezone given; times and calendar days are read in UTC")
        return pid, timezone or "UTC"
    from fhirmig.diary import read_diary

    if into.suffix.lower() == ".csv" and output is None:
        raise UsageError(f"--into {into}: a CSV diary cannot hold days; add -o FILE.json")
    base = read_diary(into).patient
    if patient_id is not None and patient_id != base.id:
        raise UsageError(f"--patient-id {patient_id!r} differs from the patient of {into}")
    if timezone is not None and timezone != base.timezone:
        raise UsageError(f"--timezone {timezone} differs from {into}'s zone {base.timezone}")
    return base.id, base.timezone


def _finish(result: ImportResult, output: Path | None, into: Path | None) -> None:
    from fhirmig.diary import read_diary, write_diary
    from fhirmig.importers import merge_diaries

    for note in result.notes:
        echo_err(f"note: {note}")
    click.echo(result.summary())
    if into is None:
        if output is None:  # pragma: no cover - _patient refuses this earlier
            raise UsageError("give -o FILE or --into DIARY")
        write_diary(result.diary, output)
        click.echo(f"wrote {output}")
        return
    merged = merge_diaries(read_diary(into), result.diary)
    for change in (*merged.changes, *merged.kept):
        click.echo(f"{into}: {change}")
    target = output or into
    if merged.changed or target != into:
        write_diary(merged.diary, target)
        click.echo(f"wrote {target}")
    else:
        click.echo(f"{into}: nothing changed")


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
    day_first: bool | None,
    missing_pain: int,
) -> None:
    """Import EXPORT, the CSV Migraine Buddy exports for doctors."""
    from fhirmig.importers import import_migraine_buddy

    pid, zone = _patient(into, output, patient_id, timezone)
    result = import_migraine_buddy(
        export, patient_id=pid, timezone=zone, day_first=day_first, missing_pain=missing_pain
    )
    _finish(result, output, into)


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
) -> None:
    """Import sleep from an Apple Health EXPORT (export.xml or export.zip) as daily sleep hours."""
    from fhirmig.importers import import_apple_health

    pid, zone = _patient(into, output, patient_id, timezone)
    _finish(import_apple_health(export, patient_id=pid, timezone=zone), output, into)


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
    columns: tuple[str, ...],
    day_first: bool | None,
) -> None:
    """Import a daily CSV (date,sleep_hours,steps,...) from a wearable or another app."""
    from fhirmig.importers import import_daily_csv

    mapping: dict[str, str] = {}
    for item in columns:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise UsageError(f"--column {item!r}: write it FIELD=HEADER, e.g. sleep_hours=Sleep")
        mapping[field.strip()] = header.strip()
    pid, zone = _patient(into, output, patient_id, timezone)
    result = import_daily_csv(
        csv_file, patient_id=pid, timezone=zone, columns=mapping, day_first=day_first
    )
    _finish(result, output, into)

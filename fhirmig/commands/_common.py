"""What every sub-command shares: error handling, diary options, de-identification options."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from fhirmig.errors import FhirmigError

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = [
    "DEBUG_ENV",
    "csv_patient_options",
    "deidentify_key",
    "deidentify_options",
    "echo_err",
    "handle_errors",
    "load_diary",
    "load_input",
    "maybe_deidentify",
    "profile_option",
]

P = ParamSpec("P")
R = TypeVar("R")
DEBUG_ENV = "FHIRMIG_DEBUG"


def echo_err(message: str) -> None:
    """Print to standard error."""
    click.echo(message, err=True)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a message and the error's exit code; never a traceback.

    An unexpected exception (a bug) prints one line asking for a report; the traceback is
    shown only when ``FHIRMIG_DEBUG=1`` is set, because it may quote patient data.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except FhirmigError as exc:
            echo_err(str(exc))
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            echo_err("interrupted")
            sys.exit(130)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            echo_err(
                f"internal error ({type(exc).__name__}); this is a bug in fhirmig. "
                f"Run again with {DEBUG_ENV}=1 to see the details."
            )
            sys.exit(70)

    return wrapper


def csv_patient_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--patient-id`` and ``--timezone``: patient fields for CSV diaries without a sidecar."""
    func = click.option(
        "--timezone",
        "csv_timezone",
        metavar="ZONE",
        help="For CSV diaries: the patient's IANA time zone (default: sidecar, else UTC).",
    )(func)
    func = click.option(
        "--patient-id",
        "csv_patient_id",
        metavar="ID",
        help="For CSV diaries: the patient id (default: sidecar, else the file name).",
    )(func)
    return func


def load_diary(
    path: str | Path, csv_patient_id: str | None = None, csv_timezone: str | None = None
) -> Diary:
    """Read a diary; for CSV, apply ``--patient-id``/``--timezone`` over the sidecar."""
    from fhirmig.diary.csvformat import read_sidecar
    from fhirmig.diary.reader import read_diary

    p = Path(path)
    if p.suffix.lower() == ".csv" and (csv_patient_id or csv_timezone):
        side_patient, side_meds = read_sidecar(p)
        patient = dict(side_patient or {"id": p.stem})
        if csv_patient_id:
            patient["id"] = csv_patient_id
        if csv_timezone:
            patient["timezone"] = csv_timezone
        return read_diary(p, patient=patient, medications=side_meds)
    return read_diary(p)


def load_input(
    path: str | Path, csv_patient_id: str | None = None, csv_timezone: str | None = None
) -> Diary:
    """A diary (JSON or CSV, with ``--patient-id``/``--timezone``) or fhirmig's own FHIR."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return load_diary(p, csv_patient_id, csv_timezone)
    from fhirmig.fhir import load_input as load_any

    return load_any(p)


def deidentify_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--deidentify``, ``--key-file`` and ``--keep-notes`` for commands that write data."""
    func = click.option(
        "--keep-notes",
        is_flag=True,
        help="With --deidentify: keep free-text notes and descriptions (they may hold identities).",
    )(func)
    func = click.option(
        "--key-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="With --deidentify: the secret key file (same key, same pseudonyms and date shifts).",
    )(func)
    func = click.option(
        "--deidentify",
        is_flag=True,
        help="De-identify first (HIPAA Safe Harbor: no names, ids or notes; dates shifted).",
    )(func)
    return func


def profile_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--profile r4|us-core``: plain FHIR R4 (default) or the US Core 6.1.0 profiles."""
    return click.option(
        "--profile",
        type=click.Choice(["r4", "us-core"]),
        default="r4",
        show_default=True,
        help="r4: plain FHIR R4. us-core: each resource claims and meets US Core 6.1.0.",
    )(func)


def deidentify_key(deidentify: bool, key_file: Path | None, keep_notes: bool) -> bytes | None:
    """The secret key when ``--deidentify`` was given (checked), else None."""
    from fhirmig.errors import UsageError

    if not deidentify:
        if key_file is not None or keep_notes:
            raise UsageError("--key-file and --keep-notes go with --deidentify")
        return None
    if key_file is None:
        raise UsageError("--deidentify needs --key-file (a file holding the secret key)")
    from fhirmig.privacy import load_key

    return load_key(key_file)


def maybe_deidentify(
    diary: Diary, deidentify: bool, key_file: Path | None, keep_notes: bool
) -> Diary:
    """The diary itself, or its de-identified form when ``--deidentify`` was given."""
    key = deidentify_key(deidentify, key_file, keep_notes)
    if key is None:
        return diary
    from fhirmig.privacy import deidentify_diary

    return deidentify_diary(diary, key, keep_notes=keep_notes)

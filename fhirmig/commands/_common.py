"""What every sub-command shares: error handling and wording, and the shared options.

A command parses its options and calls one function of :mod:`fhirmig.app`; it opens no
file itself. Errors come back naming the library's parameters (``key_file``); only here
are they worded as this command's flags (``--key-file``).
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from fhirmig.app import (
    Terminated,
    clean_exit_on_signals,
    debug_enabled,
    format_redacted,
    silence_stdout,
)
from fhirmig.errors import FhirmigError

__all__ = [
    "DATE",
    "DEBUG_ENV",
    "csv_patient_options",
    "day",
    "deidentify_options",
    "echo_err",
    "flag_of",
    "handle_errors",
    "profile_option",
    "word",
]

P = ParamSpec("P")
R = TypeVar("R")
DEBUG_ENV = "FHIRMIG_DEBUG"  # read by fhirmig.redact.debug_enabled

#: The one date type of every option: ``--from 2026-03-01``.
DATE = click.DateTime(formats=["%Y-%m-%d"])
#: Writing errors that the user's system causes, not fhirmig.
_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def day(value: datetime | None) -> date | None:
    """The date of a ``DATE`` option's value."""
    return None if value is None else value.date()


def echo_err(message: str) -> None:
    """Print to standard error."""
    click.echo(message, err=True)


def flag_of(param: str) -> str:
    """How the running command names the library parameter ``param``: its flag or argument.

    A parameter is found by the option's own name, else by its spelling as a flag
    (``key_file`` -> ``--key-file``); a name the command has no option for (an
    environment variable) is left as it is.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return param
    guess = "--" + param.replace("_", "-")
    for option in ctx.command.params:
        if isinstance(option, click.Option) and (
            option.name == param or guess in option.opts or guess in option.secondary_opts
        ):
            longest = [o for o in option.opts if o.startswith("--")]
            return guess if guess in option.opts else (longest[0] if longest else option.opts[0])
        if isinstance(option, click.Argument) and option.name == param:
            return option.human_readable_name
    return param


def word(error: FhirmigError) -> str:
    """The message of ``error`` in this command's words (flags for parameters)."""
    return error.worded(flag_of)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a message and the error's exit code; never a traceback.

    The output piped into a program that stops reading (``| head``) ends quietly (exit
    141, as for SIGPIPE); a full disk or a read-only target is a clear message (exit 1);
    SIGTERM and SIGHUP remove temporary files as Ctrl-C does (exit 128 + the signal).
    An unexpected exception (a bug) prints one line asking for a report; the traceback is
    shown only when ``FHIRMIG_DEBUG=1`` is set, and then with secrets and patient fields
    replaced (:mod:`fhirmig.redact`), because it may quote them.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with clean_exit_on_signals():
                result = func(*args, **kwargs)
                sys.stdout.flush()
                return result
        except FhirmigError as exc:
            _flush_quietly()
            echo_err(word(exc))
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            _flush_quietly()
            raise
        except BrokenPipeError:
            silence_stdout()
            sys.exit(141)
        except KeyboardInterrupt:
            echo_err("interrupted")
            sys.exit(130)
        except Terminated as exc:
            echo_err("terminated")
            sys.exit(exc.exit_code)
        except OSError as exc:
            if exc.errno not in _DISK_ERRORS:
                _internal(exc)
            where = exc.filename if exc.filename else "standard output"
            silence_stdout()
            echo_err(f"{where}: cannot write ({exc.strerror or os.strerror(exc.errno or 0)})")
            sys.exit(1)
        except Exception as exc:
            _internal(exc)

    return wrapper


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        silence_stdout()


def _internal(exc: Exception) -> NoReturn:
    if debug_enabled():
        # the traceback, with every secret and patient field this run read replaced
        echo_err(format_redacted(exc).rstrip("\n"))
        sys.exit(70)
    echo_err(
        f"internal error ({type(exc).__name__}); this is a bug in fhirmig. "
        f"Run again with {DEBUG_ENV}=1 to see the details."
    )
    sys.exit(70)


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
        help="De-identify first: keyed pseudonym, no names, ids or notes, dates shifted "
        "(a limited data set, not Safe Harbor).",
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

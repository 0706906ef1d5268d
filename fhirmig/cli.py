"""The ``fhirmig`` command: a thin click layer over the library.

Each sub-command lives in :mod:`fhirmig.commands` and is imported only when it runs, so
``fhirmig --help`` costs little more than importing click: the heavy libraries
(fhir.resources, reportlab, httpx) load only in the commands that use them.
"""

from __future__ import annotations

import errno
import gc
import importlib
import importlib.util
import sys
from typing import Any

import click

from fhirmig._version import __version__

__all__ = ["COMMANDS", "FULL_COLLECTION_EVERY", "cli", "main"]

#: The command runs a full collection of the cyclic garbage collector at most once per
#: this many collections of its middle generation (Python's default is 10). fhirmig's data
#: are trees (JSON, the diary model, FHIR resources), freed by reference counting as soon
#: as they are done with, while a full collection walks every live object (a large diary
#: is hundreds of thousands of them) and finds next to nothing. On a 10,000-attack diary,
#: ``convert`` spent about 0.28 s of its 1.6 s of CPU in four such walks; peak memory is
#: the same either way. Only the command sets this: the library leaves the process alone.
FULL_COLLECTION_EVERY = 100

#: name -> (module, function, one-line help shown by ``fhirmig --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("fhirmig.commands.validate", "validate", "Check diaries and list every problem."),
    "convert": (
        "fhirmig.commands.convert",
        "convert",
        "Convert a diary to FHIR R4 (or FHIR back to a diary).",
    ),
    "stats": (
        "fhirmig.commands.stats",
        "stats",
        "Clinical figures: headache, migraine and medication days.",
    ),
    "report": ("fhirmig.commands.report", "report", "Write the clinician-ready PDF report."),
    "upload": (
        "fhirmig.commands.upload",
        "upload",
        "Send a diary's FHIR resources to a FHIR server.",
    ),
    "batch": (
        "fhirmig.commands.batch",
        "batch",
        "Convert many diaries at once (NDJSON or bundles).",
    ),
    "import": (
        "fhirmig.commands.imports",
        "import_group",
        "Import Migraine Buddy, Apple Health or wearable data.",
    ),
    "deidentify": (
        "fhirmig.commands.deidentify",
        "deidentify",
        "De-identify diaries for research: keyed, or a Safe Harbor export.",
    ),
    "serve": (
        "fhirmig.commands.serve",
        "serve",
        "Open a local web page to keep the diary and get the report.",
    ),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(cmd_name):
            return None
        module, attr, _ = entry
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    spec = importlib.util.find_spec(COMMANDS[name][0])
    return spec is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="fhirmig")
def cli() -> None:
    """fhirmig turns headache and migraine diaries into FHIR R4 resources and a
    clinician-ready PDF report.

    \b
    Start with:  fhirmig validate DIARY.json
                 fhirmig report DIARY.json -o report.pdf
    Every command's --help shows examples; the diary format and guides are in the docs
    (docs/ of the source, or https://fhirmig.org/docs/).
    Exit codes:  0 success, 1 invalid input or failed work, 2 usage error, 3 sign-in failed.
    Completion:  eval "$(_FHIRMIG_COMPLETE=bash_source fhirmig)" (zsh_source, fish_source).
    """


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``fhirmig`` console script.

    Standard output is flushed here, before Python's own flush at exit, so that a full
    disk or a closed pipe under ``--help`` or ``--version`` is a clean exit too. Full
    garbage collections run seldom (:data:`FULL_COLLECTION_EVERY`).
    """
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
    try:
        try:
            return cli.main(args=argv, prog_name="fhirmig")
        finally:
            sys.stdout.flush()
    except OSError as exc:
        from fhirmig.app import silence_stdout

        silence_stdout()
        if exc.errno == errno.EPIPE:
            sys.exit(141)
        click.echo(f"standard output: cannot write ({exc.strerror})", err=True)
        sys.exit(1)

"""``fhirmig convert``: a diary to FHIR R4, or fhirmig's FHIR back to a diary."""

from __future__ import annotations

from pathlib import Path

import click

from fhirmig.app import RunContext, convert_to_diary, convert_to_fhir
from fhirmig.commands._common import (
    csv_patient_options,
    deidentify_options,
    echo_err,
    handle_errors,
    profile_option,
)
from fhirmig.errors import UsageError

__all__ = ["convert"]


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(path_type=Path),
    help="Output file (a Bundle or diary JSON; - for standard output) or folder (NDJSON).",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["transaction", "collection", "ndjson"]),
    default="transaction", show_default=True, help="FHIR output shape.",
)  # fmt: skip
@click.option(
    "--to", "to", type=click.Choice(["fhir", "diary"]), default="fhir", show_default=True,
    help="fhir: diary -> FHIR. diary: a fhirmig Bundle or NDJSON folder -> diary JSON.",
)  # fmt: skip
@click.option(
    "--identifier-system", metavar="URI", default=None,
    help="Identifier system of the patient id (default: fhirmig's).",
)  # fmt: skip
@click.option(
    "--summaries/--no-summaries", default=True, show_default=True,
    help="Add Observations of the clinical figures (headache, migraine, medication days).",
)  # fmt: skip
@profile_option
@csv_patient_options
@deidentify_options
@handle_errors
def convert(
    source: Path,
    out: Path,
    fmt: str,
    to: str,
    identifier_system: str | None,
    summaries: bool,
    csv_patient_id: str | None,
    csv_timezone: str | None,
    deidentify: bool,
    key_file: Path | None,
    keep_notes: bool,
    profile: str,
) -> None:
    """Convert the diary SOURCE (JSON or CSV) to FHIR R4, or with --to diary, read
    fhirmig's FHIR (a Bundle JSON file or an NDJSON folder) back into a diary JSON file.

    \b
    Examples:
      fhirmig convert diary.json -o diary.bundle.json
      fhirmig convert diary.csv --format ndjson -o fhir/
      fhirmig convert diary.json -o - | jq '.entry | length'
      fhirmig convert diary.bundle.json --to diary -o diary.json
    """
    context = RunContext.create(deidentify=deidentify, key_file=key_file, keep_notes=keep_notes)
    if to == "diary":
        if fmt != "transaction" or identifier_system or csv_patient_id or csv_timezone:
            raise UsageError(
                "--format, --identifier-system, --patient-id and --timezone go with --to fhir"
            )
        done = convert_to_diary(source, out, context=context)
        noun = "attack" if done.count == 1 else "attacks"
        _say(f"{done.label}: diary with {done.count} {noun}", done.to_stdout)
        return
    done = convert_to_fhir(
        source,
        out,
        format="ndjson"
        if fmt == "ndjson"
        else "collection"
        if fmt == "collection"
        else "transaction",
        identifier_system=identifier_system,
        summaries=summaries,
        patient_id=csv_patient_id,
        timezone=csv_timezone,
        profile=profile,
        context=context,
    )
    noun = "resource" if done.count == 1 else "resources"
    _say(f"{done.label}: {done.count} {noun} ({done.what})", done.to_stdout)


def _say(line: str, data_on_stdout: bool) -> None:
    """The summary line: on standard error when the data itself went to standard output."""
    if data_on_stdout:
        echo_err(line)
    else:
        click.echo(line)

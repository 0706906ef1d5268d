"""``fhirmig convert``: a diary to FHIR R4, or fhirmig's FHIR back to a diary."""

from __future__ import annotations

from pathlib import Path

import click

from fhirmig.commands._common import (
    csv_patient_options,
    deidentify_options,
    handle_errors,
    load_diary,
    maybe_deidentify,
    profile_option,
)
from fhirmig.errors import UsageError


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(path_type=Path),
    help="Output file (a Bundle or diary JSON) or folder (NDJSON).",
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
    """
    from fhirmig.fhir import DEFAULT_PATIENT_SYSTEM, convert_diary
    from fhirmig.fhir.profiles import US_CORE_VERSION

    if to == "diary":
        from fhirmig.diary.writer import write_diary
        from fhirmig.fhir import read_fhir, resources_to_diary

        if fmt != "transaction" or identifier_system:
            raise UsageError("--format and --identifier-system go with --to fhir")
        diary = maybe_deidentify(
            resources_to_diary(read_fhir(source)), deidentify, key_file, keep_notes
        )
        write_diary(diary, out)
        click.echo(f"{out}: diary with {len(diary.attacks)} attacks")
        return
    if identifier_system is not None and (
        not identifier_system or any(ch.isspace() for ch in identifier_system)
    ):
        raise UsageError("--identifier-system must be a URI without spaces")
    diary = maybe_deidentify(
        load_diary(source, csv_patient_id, csv_timezone), deidentify, key_file, keep_notes
    )
    count = convert_diary(
        diary, out, fmt,  # type: ignore[arg-type]
        identifier_system=identifier_system or DEFAULT_PATIENT_SYSTEM, summaries=summaries,
        profile=profile,  # type: ignore[arg-type]
    )  # fmt: skip
    shape = fmt if profile == "r4" else f"{fmt}, US Core {US_CORE_VERSION}"
    click.echo(f"{out}: {count} resources ({shape})")

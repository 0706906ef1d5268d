"""``fhirmig deidentify DIARY -o OUT --key-file KEY``, and ``--new-key KEYFILE`` to make a key."""

from __future__ import annotations

from pathlib import Path

import click

from fhirmig.commands._common import csv_patient_options, echo_err, handle_errors, load_diary
from fhirmig.errors import UsageError


@click.command()
@click.argument("diary", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the de-identified diary (JSON, mode 0600).",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The secret key file (mode 0600). Same key: same pseudonyms and date shifts.",
)
@click.option(
    "--keep-notes",
    is_flag=True,
    help="Keep free-text notes, descriptions and non-vocabulary entries (they may hold "
    "names, places or dates: read them first).",
)
@click.option(
    "--new-key",
    "new_key",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="KEYFILE",
    help="Create a new random key file (mode 0600) and exit; never overwrites a file.",
)
@csv_patient_options
@handle_errors
def deidentify(
    diary: Path | None,
    output: Path | None,
    key_file: Path | None,
    keep_notes: bool,
    new_key: Path | None,
    csv_patient_id: str | None,
    csv_timezone: str | None,
) -> None:
    """De-identify DIARY for research (HIPAA Safe Harbor) and write it to OUTPUT.

    DIARY is a diary (JSON or CSV) or fhirmig's FHIR (a Bundle, or NDJSON file or folder).

    Names, identifiers and free text are removed, the birth date is reduced to the year,
    the patient id becomes a keyed pseudonym and every date moves by a per-patient number
    of whole weeks derived from the key. Keep the key as safely as the original diaries:
    with it, a known patient's pseudonym and date shift can be recomputed.

    \b
    Make a key once:   fhirmig deidentify --new-key study.key
    Then, per diary:   fhirmig deidentify diary.json -o research.json --key-file study.key
    """
    from fhirmig.diary.writer import write_diary
    from fhirmig.privacy import deidentify_diary, load_key, write_new_key

    if new_key is not None:
        if diary is not None or output is not None or key_file is not None or keep_notes:
            raise UsageError("--new-key makes a key and nothing else; give it alone")
        write_new_key(new_key)
        echo_err(f"new key written to {new_key} (mode 0600); keep it secret and backed up")
        return
    if diary is None or output is None or key_file is None:
        raise UsageError("give DIARY, -o OUTPUT and --key-file KEY (or --new-key KEYFILE)")
    if output.suffix.lower() == ".csv":
        raise UsageError(f"{output}: the de-identified diary is written as JSON (.json)")
    key = load_key(key_file)
    if diary.suffix.lower() == ".csv":
        source = load_diary(diary, csv_patient_id, csv_timezone)
    else:
        from fhirmig.fhir import load_input

        source = load_input(diary)
    result = deidentify_diary(source, key, keep_notes=keep_notes)
    write_diary(result, output)
    echo_err(f"{output}: de-identified diary written ({len(result.attacks)} attacks)")

"""``fhirmig deidentify DIARY -o OUT --key-file KEY``, and ``--new-key KEYFILE`` to make a key."""

from __future__ import annotations

from pathlib import Path

import click

from fhirmig.app import deidentify_file, make_key, plural
from fhirmig.commands._common import csv_patient_options, echo_err, handle_errors
from fhirmig.errors import UsageError

__all__ = ["deidentify"]


@click.command()
@click.argument("diary", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the de-identified diary (JSON, mode 0600; - for standard output).",
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
    Examples:
      fhirmig deidentify --new-key study.key          (once: make a key)
      fhirmig deidentify diary.json -o research.json --key-file study.key
    """
    if new_key is not None:
        if diary is not None or output is not None or key_file is not None or keep_notes:
            raise UsageError("--new-key makes a key and nothing else; give it alone")
        make_key(new_key)
        echo_err(f"new key written to {new_key} (mode 0600); keep it secret and backed up")
        return
    if diary is None or output is None or key_file is None:
        raise UsageError("give DIARY, -o OUTPUT and --key-file KEY (or --new-key KEYFILE)")
    done = deidentify_file(
        diary,
        output,
        key_file=key_file,
        keep_notes=keep_notes,
        patient_id=csv_patient_id,
        timezone=csv_timezone,
    )
    echo_err(f"{done.label}: de-identified diary written ({plural(done.count, 'attack')})")

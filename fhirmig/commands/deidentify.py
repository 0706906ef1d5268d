"""``fhirmig deidentify``: a keyed de-identified diary, a Safe Harbor export, or a new key.

- ``fhirmig deidentify DIARY -o OUT --key-file KEY`` (``--method keyed``, the default);
- ``fhirmig deidentify --method safe-harbor DIARY... -o FOLDER [--mapping FILE]``;
- ``fhirmig deidentify --new-key KEYFILE``.
"""

from __future__ import annotations

from pathlib import Path

import click

from fhirmig.app import deidentify_file, make_key, plural, safe_harbor_export
from fhirmig.commands._common import csv_patient_options, echo_err, handle_errors
from fhirmig.errors import UsageError

__all__ = ["deidentify"]


@click.command()
@click.argument("diaries", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--method",
    type=click.Choice(["keyed", "safe-harbor"]),
    default="keyed",
    show_default=True,
    help="keyed: one diary, keyed pseudonym, dates shifted (a limited data set, not Safe "
    "Harbor). safe-harbor: three CSV tables meeting HIPAA Safe Harbor (years only).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="keyed: the de-identified diary (JSON, mode 0600; - for standard output). "
    "safe-harbor: the folder for patients.csv, attacks.csv and days.csv.",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="keyed: the secret key file (mode 0600). Same key: same pseudonyms and date shifts.",
)
@click.option(
    "--keep-notes",
    is_flag=True,
    help="keyed: keep free-text notes, descriptions and non-vocabulary entries (they may "
    "hold names, places or dates: read them first).",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="safe-harbor: write which study code is which input and patient id to FILE "
    "(mode 0600, never overwritten, not in the export folder). Without it the link is "
    "kept nowhere.",
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
    diaries: tuple[Path, ...],
    method: str,
    output: Path | None,
    key_file: Path | None,
    keep_notes: bool,
    mapping: Path | None,
    new_key: Path | None,
    csv_patient_id: str | None,
    csv_timezone: str | None,
) -> None:
    """De-identify diaries for research, by one of two methods.

    DIARY is a diary (JSON or CSV) or fhirmig's FHIR (a Bundle, or NDJSON file or folder).

    keyed (the default): one DIARY to a de-identified diary. Names, identifiers and free
    text are removed, the birth date is reduced to the year, the patient id becomes a
    keyed pseudonym and every date moves by a per-patient number of whole weeks derived
    from the key. Shifted dates are still dates: this is a limited data set (45 CFR
    164.514(e)), to be shared under a data use agreement unless an expert determination
    covers it; it is not Safe Harbor. Keep the key as safely as the original diaries.

    safe-harbor: one or more DIARY to a folder of three tables that meet HIPAA Safe
    Harbor (45 CFR 164.514(b)(2)): patients.csv (a random study code, sex, birth year or
    90+, year of the first diary day, and the figures of fhirmig stats --json),
    attacks.csv and days.csv (days counted from the patient's first diary day, clock
    time, coded entries only). No date element but a year, no time zone, no free text.

    \b
    Examples:
      fhirmig deidentify --new-key study.key          (once: make a key)
      fhirmig deidentify diary.json -o research.json --key-file study.key
      fhirmig deidentify --method safe-harbor diaries/*.json -o export/ --mapping codes.csv
    """
    if new_key is not None:
        if diaries or output is not None or key_file is not None or keep_notes or mapping:
            raise UsageError("--new-key makes a key and nothing else; give it alone")
        make_key(new_key)
        echo_err(f"new key written to {new_key} (mode 0600); keep it secret and backed up")
        return
    if method == "safe-harbor":
        _safe_harbor(diaries, output, key_file, keep_notes, mapping, csv_patient_id, csv_timezone)
        return
    if mapping is not None:
        raise UsageError("--mapping goes with --method safe-harbor")
    if len(diaries) > 1:
        raise UsageError("--method keyed takes one DIARY (for many, use fhirmig batch)")
    if not diaries or output is None or key_file is None:
        raise UsageError("give DIARY, -o OUTPUT and --key-file KEY (or --new-key KEYFILE)")
    done = deidentify_file(
        diaries[0],
        output,
        key_file=key_file,
        keep_notes=keep_notes,
        patient_id=csv_patient_id,
        timezone=csv_timezone,
    )
    echo_err(f"{done.label}: de-identified diary written ({plural(done.count, 'attack')})")


def _safe_harbor(
    diaries: tuple[Path, ...],
    output: Path | None,
    key_file: Path | None,
    keep_notes: bool,
    mapping: Path | None,
    csv_patient_id: str | None,
    csv_timezone: str | None,
) -> None:
    if key_file is not None or keep_notes:
        raise UsageError(
            "--key-file and --keep-notes go with --method keyed; a Safe Harbor export "
            "uses random study codes and keeps no free text"
        )
    if not diaries or output is None:
        raise UsageError("give DIARY... and -o FOLDER")
    done = safe_harbor_export(
        diaries, output, mapping=mapping, patient_id=csv_patient_id, timezone=csv_timezone
    )
    where = f"; study codes of the inputs in {done.mapping}" if done.mapping else ""
    echo_err(
        f"{done.folder}: Safe Harbor export written ({plural(done.patients, 'patient')}, "
        f"{plural(done.attacks, 'attack')}, {plural(done.days, 'daily entry', 'daily entries')})"
        + where
    )

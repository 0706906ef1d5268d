"""De-identifying one diary for research, and making the secret key."""

from __future__ import annotations

import os
from pathlib import Path

from fhirmig.app.context import RunContext
from fhirmig.app.convert import Converted
from fhirmig.app.inputs import open_diary
from fhirmig.app.outputs import STDOUT, check_output
from fhirmig.errors import UsageError

__all__ = ["deidentify_file", "make_key"]


def make_key(path: str | os.PathLike[str]) -> Path:
    """Write a new random key file (mode 0600); an existing file is never replaced."""
    from fhirmig.privacy import write_new_key

    return write_new_key(path)


def deidentify_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    key_file: str | os.PathLike[str],
    keep_notes: bool = False,
    patient_id: str | None = None,
    timezone: str | None = None,
) -> Converted:
    """Write the de-identified diary of ``source`` (any diary input) as JSON to ``output``.

    The output may be neither the input nor the key: losing the key loses the pseudonyms
    for good.
    """
    if os.fspath(output) != STDOUT and Path(output).suffix.lower() == ".csv":
        raise UsageError(
            "{output} " + f"{output}: the de-identified diary is written as JSON (.json)",
            params=("output",),
        )
    out = check_output(output, protect=[("input", source), ("key", key_file)])
    ctx = RunContext.create(deidentify=True, key_file=key_file, keep_notes=keep_notes)
    from fhirmig.diary.writer import write_diary

    diary = ctx.prepare(
        open_diary(source, command="deidentify", patient_id=patient_id, timezone=timezone)
    )
    out.produce(lambda path: write_diary(diary, path), name="diary.json")
    return Converted(out.label, len(diary.attacks), "attacks", out.is_stdout)

"""Converting one input: a diary to FHIR R4, or fhirmig's FHIR back to a diary."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from fhirmig.app.context import RunContext
from fhirmig.app.inputs import open_diary, open_resources
from fhirmig.app.outputs import check_diary_output, check_output
from fhirmig.errors import UsageError

__all__ = ["ConvertFormat", "Converted", "convert_to_diary", "convert_to_fhir"]

ConvertFormat = Literal["transaction", "collection", "ndjson"]


@dataclass(frozen=True, slots=True)
class Converted:
    """What a conversion wrote: where (``label``), how many items, and in what shape."""

    label: str
    count: int
    what: str
    to_stdout: bool = False


def _check_system(identifier_system: str | None) -> None:
    if identifier_system is not None and (
        not identifier_system or any(ch.isspace() for ch in identifier_system)
    ):
        raise UsageError(
            "{identifier_system} must be a URI without spaces", params=("identifier_system",)
        )


def convert_to_fhir(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    format: ConvertFormat = "transaction",
    identifier_system: str | None = None,
    summaries: bool = True,
    patient_id: str | None = None,
    timezone: str | None = None,
    profile: str = "r4",
    context: RunContext | None = None,
) -> Converted:
    """Convert the diary ``source`` to FHIR at ``output`` (``-``: standard output).

    ``transaction`` and ``collection`` write one Bundle, ``ndjson`` a folder with one file
    per resource type. The output is checked before anything is read (never an input or
    the key, never a device).
    """
    ctx = context or RunContext.create()
    _check_system(identifier_system)
    from fhirmig.fhir.profiles import US_CORE_VERSION, check_profile

    checked = check_profile(profile)
    out = check_output(
        output,
        protect=[("input", source), *(("key", k) for k in ctx.protected)],
        folder=format == "ndjson",
    )
    from fhirmig.fhir import DEFAULT_PATIENT_SYSTEM, convert_diary

    diary = ctx.prepare(
        open_diary(source, command="convert", patient_id=patient_id, timezone=timezone)
    )
    count = out.produce(
        lambda path: convert_diary(
            diary,
            path,
            format,
            identifier_system=identifier_system or DEFAULT_PATIENT_SYSTEM,
            summaries=summaries,
            profile=checked,
        ),
        name="bundle.json",
    )
    shape = format if checked == "r4" else f"{format}, US Core {US_CORE_VERSION}"
    return Converted(out.label, count, shape, out.is_stdout)


def convert_to_diary(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    context: RunContext | None = None,
) -> Converted:
    """Read fhirmig's FHIR (a Bundle, NDJSON file or folder) back into a diary at ``output``."""
    ctx = context or RunContext.create()
    out = check_output(output, protect=[("input", source), *(("key", k) for k in ctx.protected)])
    check_diary_output(output)
    from fhirmig.diary.writer import write_diary
    from fhirmig.fhir import resources_to_diary

    diary = ctx.prepare(resources_to_diary(open_resources(source, command="convert --to diary")))
    out.produce(lambda path: write_diary(diary, path), name="diary.json")
    return Converted(out.label, len(diary.attacks), "diary", out.is_stdout)

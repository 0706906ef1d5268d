"""Writing a diary as FHIR in one of the three output shapes, every resource gated."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from fhirmig.diary.model import Diary
from fhirmig.errors import OutputError, UsageError
from fhirmig.fhir.bundle import write_bundle
from fhirmig.fhir.gate import check_resource
from fhirmig.fhir.ids import DEFAULT_PATIENT_SYSTEM
from fhirmig.fhir.mapping import shared_resources
from fhirmig.fhir.ndjson import write_ndjson
from fhirmig.fhir.profiles import Profile, check_profile
from fhirmig.files import atomic_writer

__all__ = ["FORMATS", "OutputFormat", "convert_diary"]

OutputFormat = Literal["transaction", "collection", "ndjson"]
FORMATS: tuple[OutputFormat, ...] = ("transaction", "collection", "ndjson")


def convert_diary(
    diary: Diary,
    out: str | os.PathLike[str],
    format: OutputFormat = "transaction",
    *,
    identifier_system: str = DEFAULT_PATIENT_SYSTEM,
    summaries: bool = True,
    profile: Profile = "r4",
) -> int:
    """Write the diary's FHIR to ``out``; return the number of resources written.

    ``summaries`` adds the Observations of the clinical figures; ``profile="us-core"``
    claims and meets the US Core 6.1.0 profiles (default: plain R4). ``transaction`` and
    ``collection`` write one Bundle file; ``ndjson`` writes a folder
    with one ``<ResourceType>.ndjson`` per type. Output is streamed (memory does not grow
    with the diary), gated (:func:`fhirmig.fhir.gate.check_resource`), atomic and 0600.

    Raises:
        UsageError: an unknown format or profile.
        ResourceValidationError: a resource failed the gate (a bug; nothing is written).
        OutputError: the output cannot be written.
    """
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    resources = shared_resources(
        diary,
        identifier_system=identifier_system,
        summaries=summaries,
        profile=check_profile(profile),
    )
    target = Path(out)
    if format == "ndjson":
        return sum(write_ndjson(resources, target, check=check_resource).values())
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name for a {format} Bundle")
    try:
        with atomic_writer(target) as fh:
            return write_bundle(resources, fh, format, check=check_resource)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None

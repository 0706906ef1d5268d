"""Opening inputs: one place that tells what a path holds and reads it once.

Every command and the web page open their inputs here, so a file is read the same way
everywhere: a diary (JSON, or CSV with its ``NAME.patient.json`` sidecar), fhirmig's own
FHIR (a Bundle, an NDJSON file or a folder of them), a folder of diaries, or another app's
export. A command that cannot take an input says so in one line that names what the input
is and which command reads it, instead of a parse error about a field the file never had.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhirmig.errors import InputError, UsageError
from fhirmig.redact import remember_diary

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = [
    "DIARY_INPUTS",
    "FHIR_INPUTS",
    "InputKind",
    "detect_input",
    "open_diary",
    "open_resources",
    "reader_of",
    "refuse",
    "sidecar_owner",
]


class InputKind(StrEnum):
    """What an input path holds; the value is how messages name it."""

    DIARY_JSON = "a diary (JSON)"
    DIARY_CSV = "a diary (CSV)"
    CSV = "a CSV file without fhirmig's diary columns"
    CSV_SIDECAR = "the patient file of a CSV diary"
    FHIR_BUNDLE = "a FHIR Bundle"
    FHIR_NDJSON = "FHIR NDJSON"
    FHIR_RESOURCE = "a single FHIR resource (not a Bundle)"
    DIARY_FOLDER = "a folder of diaries"
    EMPTY_FOLDER = "a folder without diaries or NDJSON"
    MIGRAINE_BUDDY = "a Migraine Buddy export"
    FITBIT_SLEEP = "a Fitbit sleep export"
    APPLE_HEALTH = "an Apple Health export"
    DAILY_CSV = "a daily CSV (one row per day)"
    OTHER = "a file that is neither a diary, fhirmig's FHIR nor an export fhirmig reads"


#: The kinds that are, or read back into, one diary.
DIARY_INPUTS: frozenset[InputKind] = frozenset(
    {
        InputKind.DIARY_JSON,
        InputKind.DIARY_CSV,
        InputKind.CSV,  # read as a diary, whose reader names the missing columns
        InputKind.FHIR_BUNDLE,
        InputKind.FHIR_NDJSON,
    }
)
#: fhirmig's own FHIR output.
FHIR_INPUTS: frozenset[InputKind] = frozenset({InputKind.FHIR_BUNDLE, InputKind.FHIR_NDJSON})

_READERS: dict[InputKind, str] = {
    InputKind.DIARY_JSON: "fhirmig convert, report, stats, upload or deidentify reads it",
    InputKind.DIARY_CSV: "fhirmig convert, report, stats, upload or deidentify reads it",
    InputKind.CSV: "fhirmig import daily-csv reads daily values with --column",
    InputKind.FHIR_BUNDLE: "fhirmig convert --to diary, report, stats or upload reads it",
    InputKind.FHIR_NDJSON: "fhirmig convert --to diary, report, stats or upload reads it",
    InputKind.FHIR_RESOURCE: "fhirmig reads FHIR as its own Bundle or NDJSON",
    InputKind.DIARY_FOLDER: (
        "fhirmig batch converts a folder of diaries, fhirmig validate checks it"
    ),
    InputKind.EMPTY_FOLDER: "give a diary file, or a folder of them to fhirmig batch",
    InputKind.MIGRAINE_BUDDY: "fhirmig import migraine-buddy reads it",
    InputKind.FITBIT_SLEEP: "fhirmig import fitbit-sleep reads it",
    InputKind.APPLE_HEALTH: "fhirmig import apple-health reads it",
    InputKind.DAILY_CSV: "fhirmig import daily-csv reads it",
    InputKind.OTHER: "no fhirmig command reads it",
}


def reader_of(kind: InputKind) -> str:
    """Which command reads inputs of ``kind``, as a phrase for messages."""
    return _READERS[kind]


#: The importers' detector's kinds (:mod:`fhirmig.importers.sniff`) as input kinds.
_OF_SNIFFED: dict[str, InputKind] = {
    "fhirmig-diary": InputKind.DIARY_JSON,
    "json": InputKind.DIARY_JSON,  # the diary reader names what it lacks
    "diary-csv": InputKind.DIARY_CSV,
    "csv": InputKind.CSV,
    "diary-sidecar": InputKind.CSV_SIDECAR,
    "fhir-bundle": InputKind.FHIR_BUNDLE,
    "fhir-ndjson": InputKind.FHIR_NDJSON,
    "ndjson-folder": InputKind.FHIR_NDJSON,
    "fhir-resource": InputKind.FHIR_RESOURCE,
    "diary-folder": InputKind.DIARY_FOLDER,
    "empty-folder": InputKind.EMPTY_FOLDER,
    "migraine-buddy-csv": InputKind.MIGRAINE_BUDDY,
    "migraine-buddy-html": InputKind.MIGRAINE_BUDDY,
    "fitbit-sleep-json": InputKind.FITBIT_SLEEP,
    "fitbit-sleep-csv": InputKind.FITBIT_SLEEP,
    "apple-health-xml": InputKind.APPLE_HEALTH,
    "zip-apple-health": InputKind.APPLE_HEALTH,
    "daily-csv": InputKind.DAILY_CSV,
    "pdf": InputKind.OTHER,
    "xlsx": InputKind.OTHER,
    "zip": InputKind.OTHER,
    "xml": InputKind.OTHER,
    "html": InputKind.OTHER,
}


def sidecar_owner(path: Path) -> Path | None:
    """The CSV diary whose sidecar ``path`` is (``NAME.csv`` for ``NAME.patient.json``)."""
    from fhirmig.importers.sniff import sidecar_owner as owner

    return owner(path)


def detect_input(path: str | os.PathLike[str]) -> InputKind:
    """What ``path`` holds, told by the importers' detector from its content
    (:func:`fhirmig.importers.sniff.detect`: one detector for every command).

    A path that cannot be read, or whose content says nothing (an empty or binary file,
    plain text), gets the kind its name suggests; the reader then says what is wrong.
    """
    from fhirmig.importers.sniff import detect

    kind = _OF_SNIFFED.get(str(detect(path)))
    if kind is not None:
        return kind
    suffix = Path(path).suffix.lower()
    if suffix == ".ndjson":
        return InputKind.FHIR_NDJSON
    return InputKind.CSV if suffix == ".csv" else InputKind.DIARY_JSON


def refuse(path: str | os.PathLike[str], kind: InputKind, command: str) -> InputError:
    """The one-line error for a command that cannot take ``kind``: what it is, who reads it."""
    p = Path(path)
    if kind is InputKind.CSV_SIDECAR:
        owner = sidecar_owner(p)
        return InputError(f"{command}: {p}: is {kind.value}; give {owner} instead")
    if kind is InputKind.OTHER:
        from fhirmig.importers.sniff import sniff

        return InputError(f"{command}: {sniff(p).line('a diary or fhirmig FHIR')}")
    return InputError(
        f"{command}: {p}: is {kind.value}, which {command} does not read; {reader_of(kind)}"
    )


def open_diary(
    path: str | os.PathLike[str],
    *,
    command: str,
    accepts: Collection[InputKind] = DIARY_INPUTS,
    patient_id: str | None = None,
    timezone: str | None = None,
) -> Diary:
    """The checked diary of ``path``, read once, whatever form of diary it is.

    ``command`` names the caller in a refusal. ``patient_id`` and ``timezone`` set the
    patient of a CSV diary over its sidecar; any other input names its own patient, so
    they are refused there rather than silently ignored.

    Raises:
        InputError: the path is of a kind ``accepts`` does not hold, or cannot be read.
        UsageError: ``patient_id`` or ``timezone`` given for an input that is not CSV.
        DiaryError, MappingError: the diary or FHIR breaks the format.
    """
    p = Path(path)
    kind = detect_input(p)
    if kind not in accepts:
        raise refuse(p, kind, command)
    is_csv = kind in (InputKind.DIARY_CSV, InputKind.CSV)
    if not is_csv and (patient_id is not None or timezone is not None):
        given = [n for n, v in (("patient_id", patient_id), ("timezone", timezone)) if v]
        raise UsageError(
            " and ".join("{" + n + "}" for n in given)
            + f" apply to CSV diaries only; {p} is {kind.value} that names its own patient",
            params=given,
        )
    diary = _open_csv(p, patient_id, timezone) if is_csv else _open_other(p, kind)
    remember_diary(diary)  # while debugging, so that no traceback shows the patient
    return diary


def _open_other(p: Path, kind: InputKind) -> Diary:
    if kind is InputKind.FHIR_NDJSON and p.is_dir():
        from fhirmig.fhir import read_fhir
        from fhirmig.fhir.reverse import resources_to_diary

        return resources_to_diary(read_fhir(p), source=str(p))
    from fhirmig.diary.reader import read_bytes
    from fhirmig.fhir.reader import MAX_FHIR_BYTES, parse_input

    limit = MAX_FHIR_BYTES if kind in FHIR_INPUTS else None
    data = read_bytes(p) if limit is None else read_bytes(p, limit=limit)
    return parse_input(data, str(p))  # decides Bundle or diary on the whole content


def _open_csv(p: Path, patient_id: str | None, timezone: str | None) -> Diary:
    from fhirmig.diary.csvformat import read_sidecar
    from fhirmig.diary.reader import read_diary

    if not (patient_id or timezone):
        return read_diary(p)
    side_patient, side_meds = read_sidecar(p)
    patient: dict[str, Any] = dict(side_patient or {"id": p.stem})
    if patient_id:
        patient["id"] = patient_id
    if timezone:
        patient["timezone"] = timezone
    return read_diary(p, patient=patient, medications=side_meds)


def open_resources(path: str | os.PathLike[str], *, command: str) -> list[dict[str, Any]]:
    """The resources of fhirmig's FHIR at ``path`` (a Bundle, NDJSON file or folder).

    Raises:
        InputError: ``path`` is not fhirmig's FHIR (a diary says which command reads it).
        MappingError: the FHIR cannot be read.
    """
    p = Path(path)
    kind = detect_input(p)
    if kind not in FHIR_INPUTS:
        raise refuse(p, kind, command)
    from fhirmig.fhir import read_fhir

    return read_fhir(p)

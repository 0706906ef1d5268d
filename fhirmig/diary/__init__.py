"""Stage 1 of the pipeline: read and check a diary (JSON or CSV) into a typed model.

>>> from fhirmig.diary import read_diary
>>> diary = read_diary("examples/episodic-twitching.json")  # doctest: +SKIP

Names are imported on first use, so reading a JSON diary does not load the CSV format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhirmig._lazy import lazy_names

if TYPE_CHECKING:
    from fhirmig.diary.csvformat import diary_to_csv, parse_diary_csv
    from fhirmig.diary.model import (
        FORMAT_VERSION,
        Attack,
        Condition,
        DayEntry,
        Diary,
        HumanName,
        Identifier,
        Intake,
        Medication,
        Patient,
        Questionnaire,
        ReliefUse,
        Treatment,
        Twitch,
    )
    from fhirmig.diary.reader import MAX_ATTACKS, MAX_FILE_BYTES, parse_diary_json, read_diary
    from fhirmig.diary.schema import diary_json_schema
    from fhirmig.diary.writer import diary_to_json, dumps_diary, write_diary

__all__ = [
    "FORMAT_VERSION",
    "MAX_ATTACKS",
    "MAX_FILE_BYTES",
    "Attack",
    "Condition",
    "DayEntry",
    "Diary",
    "HumanName",
    "Identifier",
    "Intake",
    "Medication",
    "Patient",
    "Questionnaire",
    "ReliefUse",
    "Treatment",
    "Twitch",
    "diary_json_schema",
    "diary_to_csv",
    "diary_to_json",
    "dumps_diary",
    "parse_diary_csv",
    "parse_diary_json",
    "read_diary",
    "write_diary",
]

#: public name -> the module that defines it, imported on first use (:func:`__getattr__`)
_LAZY: dict[str, str] = {
    "diary_to_csv": "fhirmig.diary.csvformat",
    "parse_diary_csv": "fhirmig.diary.csvformat",
    "FORMAT_VERSION": "fhirmig.diary.model",
    "Attack": "fhirmig.diary.model",
    "Condition": "fhirmig.diary.model",
    "DayEntry": "fhirmig.diary.model",
    "Diary": "fhirmig.diary.model",
    "HumanName": "fhirmig.diary.model",
    "Identifier": "fhirmig.diary.model",
    "Intake": "fhirmig.diary.model",
    "Medication": "fhirmig.diary.model",
    "Patient": "fhirmig.diary.model",
    "Questionnaire": "fhirmig.diary.model",
    "ReliefUse": "fhirmig.diary.model",
    "Treatment": "fhirmig.diary.model",
    "Twitch": "fhirmig.diary.model",
    "MAX_ATTACKS": "fhirmig.diary.reader",
    "MAX_FILE_BYTES": "fhirmig.diary.reader",
    "parse_diary_json": "fhirmig.diary.reader",
    "read_diary": "fhirmig.diary.reader",
    "diary_json_schema": "fhirmig.diary.schema",
    "diary_to_json": "fhirmig.diary.writer",
    "dumps_diary": "fhirmig.diary.writer",
    "write_diary": "fhirmig.diary.writer",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)

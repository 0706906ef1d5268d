"""Stage 1 of the pipeline: read and check a diary (JSON or CSV) into a typed model.

>>> from fhirmig.diary import read_diary
>>> diary = read_diary("examples/episodic-twitching.json")  # doctest: +SKIP
"""

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

"""The value types of the diary format: what one field can check by itself.

Aware datetimes (a value without an offset is read in the patient's zone, passed as
validation context ``{"tz": tzinfo}``), dates and partial dates within plausible years,
finite numbers, texts and ids within their lengths, 0-10 scores, and the closed choices
of the format, which come from the vocabulary table. :mod:`fhirmig.diary.model` builds
the diary's models from them.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, Field, PlainSerializer, ValidationInfo, WithJsonSchema

from fhirmig.diary.timeparse import format_datetime, localize, parse_date, parse_datetime
from fhirmig.diary.vocabulary import keys
from fhirmig.wording import excerpt

__all__ = [
    "MAX_MINUTES",
    "MAX_NOTES",
    "MAX_TEXT",
    "MAX_YEAR",
    "MIN_YEAR",
    "AttackKind",
    "ConditionKey",
    "Date",
    "DateTime",
    "Disability",
    "DrugClass",
    "EffectLevel",
    "Id",
    "Notes",
    "Number",
    "PartialDate",
    "Score10",
    "Text",
    "TreatmentType",
]

MAX_NOTES = 10_000
MAX_TEXT = 1_000
#: The longest duration accepted, in minutes (a year; longer is a typo).
MAX_MINUTES = 525_600
#: Dates and datetimes outside these years are refused as typos.
MIN_YEAR = 1800
MAX_YEAR = 2299
_D = TypeVar("_D", date, datetime)


def _context_tz(info: ValidationInfo) -> tzinfo:
    ctx = info.context if isinstance(info.context, dict) else None
    tz = ctx.get("tz") if ctx else None
    return tz if isinstance(tz, tzinfo) else UTC


def _plausible(value: _D, text: Any) -> _D:
    # A typo such as 0026 or 20266 would stretch the period over centuries of empty days.
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"{excerpt(text)} lies outside the years {MIN_YEAR}-{MAX_YEAR} (a typo?)")
    return value


def _to_datetime(value: Any, info: ValidationInfo) -> datetime:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else localize(value, _context_tz(info))
        return _plausible(aware, value.isoformat())
    if not isinstance(value, str):
        raise ValueError("must be a datetime string such as 2026-10-03T07:40:00+01:00")
    parsed = parse_datetime(value, _context_tz(info))
    memo = info.context.get("datetimes") if isinstance(info.context, dict) else None
    if isinstance(memo, dict):
        memo[value] = parsed  # the reader's later checks read the same text again
    return _plausible(parsed, value)


def _to_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return _plausible(value, value.isoformat())
    if not isinstance(value, str):
        raise ValueError("must be a date string YYYY-MM-DD")
    return _plausible(parse_date(value), value)


def _to_partial(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a date string YYYY, YYYY-MM or YYYY-MM-DD")
    from fhirmig.diary.timeparse import parse_partial_date

    return parse_partial_date(value)


def _number_out(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$"
DateTime = Annotated[
    datetime,
    BeforeValidator(_to_datetime),
    PlainSerializer(format_datetime, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _DATETIME_PATTERN,
            "description": "ISO 8601 datetime; without an offset it is read in patient.timezone",
        }
    ),
]
Date = Annotated[
    date,
    BeforeValidator(_to_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}),
]
PartialDate = Annotated[
    str,
    BeforeValidator(_to_partial),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]
Number = Annotated[
    float,
    BeforeValidator(_finite),
    PlainSerializer(_number_out, return_type=int | float, when_used="json"),
]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]
Notes = Annotated[str, Field(max_length=MAX_NOTES)]
Score10 = Annotated[int, Field(ge=0, le=10)]

# The closed choices of the format come from the vocabulary table (one place for every
# key): pydantic sees a Literal of the table's keys (its check, its message, its JSON
# Schema enum), the type checker a str.
if TYPE_CHECKING:
    EffectLevel = str
    AttackKind = str
    Disability = str
    ConditionKey = str
    DrugClass = str
    TreatmentType = str
else:
    EffectLevel = Literal[keys("effect")]
    AttackKind = Literal[keys("attack-kind")]
    Disability = Literal[keys("disability")]
    ConditionKey = Literal[keys("condition")]
    DrugClass = Literal[keys("drug-class")]
    TreatmentType = Literal[keys("treatment-type")]

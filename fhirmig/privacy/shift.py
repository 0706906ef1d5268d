"""Moving dates and times by a whole number of days in the patient's own calendar.

A shift of N days moves a datetime to the same wall-clock time N calendar days later (or
earlier) in the patient's zone, not by N x 24 hours: 08:00 stays 08:00 across a DST change,
and every event stays on the calendar day that the clinical figures count it on. Two
consequences at DST changes, both documented in docs/security.md:

- a wall-clock time that does not exist on the target day (spring forward) becomes the
  same instant read with the offset before the change, i.e. one hour later on the clock;
- the elapsed time between two events that straddle a DST change in one calendar but not
  in the other changes by the DST difference (their clock times and days do not).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from fhirmig.errors import PrivacyError

__all__ = ["shift_date", "shift_datetime", "shift_partial_date"]


def shift_datetime(value: datetime, days: int, tz: tzinfo, where: str = "") -> datetime:
    """``value`` moved by ``days`` calendar days of ``tz``, keeping its wall-clock time.

    The result carries a fixed UTC offset (the one in force at that moment in ``tz``), as
    the diary format writes datetimes.
    """
    try:
        local = value.astimezone(tz)
        naive = local.replace(tzinfo=None) + timedelta(days=days)
        moved = naive.replace(tzinfo=tz, fold=local.fold)
        instant = moved.astimezone(UTC)
    except (OverflowError, ValueError):
        raise PrivacyError(_out_of_range(where)) from None
    result = instant.astimezone(tz)
    offset = result.utcoffset()
    if offset is None:  # pragma: no cover - tz is a real zone
        raise PrivacyError(_out_of_range(where))
    return result.astimezone(timezone(offset))


def shift_date(value: date, days: int, where: str = "") -> date:
    """``value`` moved by ``days`` days."""
    try:
        return value + timedelta(days=days)
    except OverflowError:
        raise PrivacyError(_out_of_range(where)) from None


def shift_partial_date(value: str, days: int, where: str = "") -> str:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date moved at its own precision.

    A full date moves by ``days``; a month moves as its 15th day does (so the month shown
    is where most of it lands); a bare year, which Safe Harbor allows to keep, moves as
    its 2nd of July does.
    """
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 3:
        return shift_date(date(year, int(parts[1]), int(parts[2])), days, where).isoformat()
    if len(parts) == 2:
        moved = shift_date(date(year, int(parts[1]), 15), days, where)
        return f"{moved.year:04d}-{moved.month:02d}"
    return f"{shift_date(date(year, 7, 2), days, where).year:04d}"


def _out_of_range(where: str) -> str:
    place = f"{where}: " if where else ""
    return f"{place}date cannot be shifted (outside the years 1 to 9999 after shifting)"

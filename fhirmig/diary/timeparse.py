"""Dates, datetimes and time zones as the diary format reads them.

A datetime written without an offset is wall-clock time in the patient's zone. At a DST
change some wall-clock times do not exist (spring forward) and some exist twice (fall
back); both are refused with a message naming the time, because guessing would move an
attack by an hour and could move it to another calendar day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fhirmig.wording import excerpt

__all__ = [
    "format_datetime",
    "parse_date",
    "parse_datetime",
    "parse_partial_date",
    "zone",
]

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
#: What ``datetime.fromisoformat`` reads exactly as :func:`parse_datetime` does: ASCII
#: digits, seconds and an offset of at most 23:59.
_WITH_OFFSET = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]\Z"
)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ZONE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")


@lru_cache(maxsize=256)
def zone(name: str) -> tzinfo:
    """The IANA time zone ``name``; ``ValueError`` when it is not a known zone."""
    if not isinstance(name, str) or not _ZONE_NAME_RE.match(name) or ".." in name:
        raise ValueError(f"unknown IANA time zone {excerpt(name)}")
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown IANA time zone {excerpt(name)}") from None


def parse_date(text: str) -> date:
    """A calendar date written ``YYYY-MM-DD``."""
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(f"{excerpt(text)} is not a date written YYYY-MM-DD")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"{excerpt(text)} is not a real date") from None


def parse_partial_date(text: str) -> str:
    """A date of the precision the writer knew: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    m = _PARTIAL_RE.match(text)
    if not m:
        raise ValueError(f"{excerpt(text)} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        raise ValueError(f"{excerpt(text)} is not a real date") from None
    return text


def parse_datetime(text: str, tz: tzinfo) -> datetime:
    """An ISO 8601 datetime; without an offset it is read as wall-clock time in ``tz``.

    Raises ``ValueError`` for a malformed or impossible value, and for a wall-clock time
    that does not exist or is ambiguous in ``tz``.
    """
    if _WITH_OFFSET.match(text):
        try:  # the common shape YYYY-MM-DDTHH:MM:SS+HH:MM, read at C speed
            return datetime.fromisoformat(text)
        except ValueError:
            pass  # the general reading says what is wrong
    return _parse_general(text, tz)


def _parse_general(text: str, tz: tzinfo) -> datetime:
    """:func:`parse_datetime` for every shape the format allows."""
    m = _DATETIME_RE.match(text)
    if not m:
        raise ValueError(
            f"{excerpt(text)} is not an ISO 8601 datetime (YYYY-MM-DDTHH:MM[:SS][offset])"
        )
    frac = m[7] or ""
    micro = int((frac + "000000")[:6]) if frac else 0
    try:
        naive = datetime(
            int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), micro
        )
    except ValueError:
        raise ValueError(f"{excerpt(text)} is not a real date and time") from None
    offset = m[8]
    if offset is None:
        return localize(naive, tz, text)
    if offset == "Z":
        return naive.replace(tzinfo=UTC)
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{excerpt(text)} has an impossible UTC offset {offset}")
    delta = timedelta(hours=hours, minutes=minutes)
    return naive.replace(tzinfo=timezone(sign * delta))


def localize(naive: datetime, tz: tzinfo, text: str | None = None) -> datetime:
    """Attach ``tz`` to a wall-clock time, refusing times that DST makes missing or double."""
    shown = text if text is not None else naive.isoformat()
    name = getattr(tz, "key", None) or str(tz)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # A wall time that does not exist round-trips through UTC to another wall time.
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            raise ValueError(
                f"{excerpt(shown)} does not exist in {name} (clocks skip it at a DST change); "
                "write it with its UTC offset"
            )
        raise ValueError(
            f"{excerpt(shown)} is ambiguous in {name} (it happens twice at a DST change); "
            "write it with its UTC offset"
        )
    return first


def format_datetime(value: datetime) -> str:
    """ISO 8601 with the offset (``+01:00``) and seconds; ``Z`` never replaces ``+00:00``."""
    text = value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")
    return text

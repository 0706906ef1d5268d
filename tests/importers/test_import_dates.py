"""Locale dates, times and durations as exports write them."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from fhirmig.importers.dates import (
    AmbiguousOrder,
    infer_day_first,
    parse_duration_minutes,
    parse_local,
    parse_time_only,
    place_in_zone,
)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("3/10/26 07:40", True, (date(2026, 10, 3), time(7, 40))),
        ("3/10/26 07:40", False, (date(2026, 3, 10), time(7, 40))),
        ("10/25/2026 7:40 PM", None, (date(2026, 10, 25), time(19, 40))),
        ("25/10/2026 12:05 am", None, (date(2026, 10, 25), time(0, 5))),
        ("03.10.2026 07:40", None, (date(2026, 10, 3), time(7, 40))),
        ("2026-10-03 07:40", None, (date(2026, 10, 3), time(7, 40))),
        ("2026-10-03T07:40:30", None, (date(2026, 10, 3), time(7, 40, 30))),
        ("2026/10/03 07:40", None, (date(2026, 10, 3), time(7, 40))),
        ("Oct 3, 2026 at 7:40 AM", None, (date(2026, 10, 3), time(7, 40))),
        ("Tue, Mar 3, 2026 7:40 p.m.", None, (date(2026, 3, 3), time(19, 40))),
        ("3 oct. 2026 19h40", None, (date(2026, 10, 3), time(19, 40))),
        ("3. Okt. 2026, 07:40", None, (date(2026, 10, 3), time(7, 40))),
        ("3 déc. 2026 à 07:40", None, (date(2026, 12, 3), time(7, 40))),
        ("3 de outubro de 2026", None, None),
        ("15 mai 2026", None, (date(2026, 5, 15), None)),
        ("7/7/26", None, (date(2026, 7, 7), None)),
    ],
)
def test_parse_local_reads_locale_forms(
    text: str, day_first: bool | None, expected: tuple[date, time | None] | None
) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="not a date"):
            parse_local(text, day_first)
        return
    stamp = parse_local(text, day_first)
    assert (stamp.day, stamp.clock) == expected


def test_numeric_date_that_reads_both_ways_needs_an_order() -> None:
    with pytest.raises(AmbiguousOrder, match="day/month and month/day"):
        parse_local("3/10/26 07:40")


def test_impossible_date_is_refused() -> None:
    with pytest.raises(ValueError, match="not a real date"):
        parse_local("31/02/2026 10:00", True)


def test_infer_day_first_from_the_whole_column() -> None:
    assert infer_day_first(["3/10/26", "25/10/26 07:00"]) is True
    assert infer_day_first(["10/3/26", "10/25/26 7:00 PM"]) is False
    assert infer_day_first(["3/10/26", "2026-10-25"]) is None
    assert infer_day_first(["3.10.26"]) is True
    with pytest.raises(ValueError, match="mix"):
        infer_day_first(["25/10/26", "10/25/26"])


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("06h 00m", 360),
        ("1d 02h 15m", 1575),
        ("45m", 45),
        ("2 hours 30 min", 150),
        ("06:30", 390),
        ("2 Std 30 min", 150),
        ("", None),
        ("Ongoing", None),
        ("-", None),
    ],
)
def test_durations(text: str, minutes: float | None) -> None:
    assert parse_duration_minutes(text) == minutes


def test_unreadable_duration_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration_minutes("a while")
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration_minutes("3h and a bit")


def test_time_only() -> None:
    assert parse_time_only("8:00 PM") == time(20, 0)
    assert parse_time_only("19h40") == time(19, 40)
    assert parse_time_only("3/10/26 08:00") is None


def test_wall_times_a_dst_change_skips_or_repeats_are_placed_and_noted() -> None:
    lisbon = ZoneInfo("Europe/Lisbon")
    when, note = place_in_zone(date(2026, 3, 29), time(1, 30), lisbon)
    assert when.isoformat() == "2026-03-29T02:30:00+01:00"
    assert note is not None and "does not exist" in note
    when, note = place_in_zone(date(2026, 10, 25), time(1, 30), lisbon)
    assert when.utcoffset() is not None and when.utcoffset().total_seconds() == 3600
    assert note is not None and "twice" in note
    when, note = place_in_zone(date(2026, 10, 3), time(7, 40), lisbon)
    assert note is None and when.isoformat() == "2026-10-03T07:40:00+01:00"

"""Date shifting: whole days in the patient's calendar, wall-clock time kept, DST handled."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fhirmig.errors import PrivacyError
from fhirmig.privacy import shift_date, shift_datetime, shift_partial_date

LISBON = ZoneInfo("Europe/Lisbon")
NEW_YORK = ZoneInfo("America/New_York")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_wall_clock_is_kept_across_a_dst_change() -> None:
    # 2026-03-29 is the spring change in Lisbon: 08:00 WET a week before is 08:00 WEST after.
    moved = shift_datetime(_at("2026-03-22T08:00+00:00"), 7, LISBON)
    assert moved.isoformat() == "2026-03-29T08:00:00+01:00"
    assert moved - _at("2026-03-22T08:00+00:00") == timedelta(days=7, hours=-1)


def test_result_carries_the_offset_in_force() -> None:
    moved = shift_datetime(_at("2026-07-01T12:00Z"), -182, NEW_YORK)
    assert moved.isoformat() == "2025-12-31T08:00:00-05:00"
    assert moved.tzinfo == timezone(timedelta(hours=-5))


def test_a_time_missing_on_the_target_day_moves_an_hour_on() -> None:
    # 01:30 does not exist in Lisbon on 2026-03-29 (01:00 -> 02:00).
    moved = shift_datetime(_at("2026-03-22T01:30+00:00"), 7, LISBON)
    assert moved.isoformat() == "2026-03-29T02:30:00+01:00"


def test_a_repeated_hour_keeps_which_occurrence() -> None:
    # 01:30 happens twice in Lisbon on 2026-10-25; a week before there is only one.
    first = shift_datetime(_at("2026-10-25T01:30+01:00"), -7, LISBON)
    second = shift_datetime(_at("2026-10-25T01:30+00:00"), -7, LISBON)
    assert first.isoformat() == second.isoformat() == "2026-10-18T01:30:00+01:00"
    back_first = shift_datetime(_at("2026-10-18T01:30+01:00"), 7, LISBON)
    assert back_first.isoformat() == "2026-10-25T01:30:00+01:00"


ZONES = ["UTC", "Europe/Lisbon", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(ZONES),
    st.integers(-52, 52).map(lambda w: 7 * w),
)
def test_calendar_day_weekday_and_clock_are_kept(naive: datetime, name: str, days: int) -> None:
    tz = ZoneInfo(name)
    original = naive.replace(tzinfo=UTC).astimezone(tz)
    moved = shift_datetime(original, days, tz).astimezone(tz)
    assert moved.date() == original.date() + timedelta(days=days)
    assert moved.weekday() == original.weekday()
    clock_before = original.replace(tzinfo=None).time()
    clock_after = moved.replace(tzinfo=None).time()
    if clock_after != clock_before:  # only when the clock time does not exist that day
        gap = datetime.combine(moved.date(), clock_before).replace(tzinfo=tz)
        assert gap.astimezone(UTC).astimezone(tz).time() == clock_after


@given(
    st.lists(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
        min_size=2,
        max_size=6,
    ),
    st.integers(-52, 52).map(lambda w: 7 * w),
)
def test_order_is_kept_in_a_zone_without_dst(naives: list[datetime], days: int) -> None:
    tz = ZoneInfo("Asia/Kolkata")
    instants = sorted(n.replace(tzinfo=UTC) for n in naives)
    moved = [shift_datetime(i, days, tz) for i in instants]
    assert moved == sorted(moved)
    gaps_before = [b - a for a, b in itertools.pairwise(instants)]
    assert [b - a for a, b in itertools.pairwise(moved)] == gaps_before


def test_dates_and_partial_dates() -> None:
    assert shift_date(date(2024, 2, 22), 7) == date(2024, 2, 29)
    assert shift_partial_date("2018-06-02", -14) == "2018-05-19"
    assert shift_partial_date("2015-03", -35) == "2015-02"
    assert shift_partial_date("2015-03", 14) == "2015-03"
    assert shift_partial_date("2009", 189) == "2010"
    assert shift_partial_date("2009", -35) == "2009"


@pytest.mark.parametrize(
    "call",
    [
        lambda: shift_date(date(9999, 12, 30), 7, "days[0].date"),
        lambda: shift_partial_date("0001-01", -364, "days[0].date"),
        lambda: shift_datetime(datetime(9999, 12, 28, tzinfo=UTC), 7, LISBON, "days[0].date"),
    ],
)
def test_a_shift_off_the_calendar_is_a_privacy_error(call: object) -> None:
    with pytest.raises(PrivacyError, match=r"^days\[0\]\.date: date cannot be shifted"):
        call()  # type: ignore[operator]

"""The common datetime shape is read at C speed, with exactly the general reader's result."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.diary.timeparse import _parse_general, format_datetime, parse_datetime

_TWO = st.integers(0, 99).map(lambda n: f"{n:02d}")
_ZONES = st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")])


@st.composite
def datetime_texts(draw: st.DrawFn) -> str:
    year = draw(st.sampled_from(["2026", "1800", "2299", "0001", "9999", "20a6"]))
    text = (
        f"{year}-{draw(_TWO)}-{draw(_TWO)}{draw(st.sampled_from('T T'))}{draw(_TWO)}:{draw(_TWO)}"
    )
    text += draw(st.sampled_from(["", ":" + draw(_TWO), ":" + draw(_TWO) + ".5"]))
    sign = draw(st.sampled_from("+-"))
    text += draw(
        st.sampled_from(["", "Z", f"{sign}{draw(_TWO)}:{draw(_TWO)}", f"{sign}0530", "\n"])
    )
    return text


def _read(reader: object, text: str, tz: object) -> tuple[str, object]:
    try:
        value = reader(text, tz)  # type: ignore[operator]
    except ValueError as exc:
        return "refused", str(exc)
    return "read", (value, value.tzinfo, format_datetime(value))


@settings(max_examples=600, deadline=None)
@given(datetime_texts(), _ZONES)
def test_the_fast_reading_equals_the_general_one(text: str, tz: object) -> None:
    assert _read(parse_datetime, text, tz) == _read(_parse_general, text, tz)


def test_impossible_offsets_and_times_are_still_refused_with_the_general_message() -> None:
    for text, message in [
        ("2026-03-01T08:00:00+24:00", "impossible UTC offset"),
        ("2026-03-01T08:00:00+05:75", "impossible UTC offset"),
        ("2026-02-30T08:00:00+01:00", "not a real date and time"),
        ("2026-03-01T08:00:60+01:00", "not a real date and time"),
    ]:
        kind, said = _read(parse_datetime, text, UTC)
        assert kind == "refused" and message in str(said), text

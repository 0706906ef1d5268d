"""Property tests: generated diaries survive JSON and CSV round trips; hostile bytes only raise DiaryError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirmig.diary import (
    Diary,
    diary_to_csv,
    diary_to_json,
    dumps_diary,
    parse_diary_csv,
    parse_diary_json,
)
from fhirmig.errors import DiaryError
from tests.diary.strategies import diaries

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(diaries())
def test_json_round_trip_gives_the_same_diary(diary: Diary) -> None:
    again = parse_diary_json(dumps_diary(diary), "again.json")
    assert again == diary
    assert diary_to_json(again) == diary_to_json(diary)


@SETTINGS
@given(diaries(csv_safe=True))
def test_csv_round_trip_gives_the_same_attacks(diary: Diary) -> None:
    text = diary_to_csv(diary)
    patient = diary.patient.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    catalogue = [m.model_dump(mode="json", by_alias=True) for m in diary.medications]
    again = parse_diary_csv(text.encode(), "again.csv", patient=patient, medications=catalogue)
    assert again.attacks == diary.attacks
    assert diary_to_json(again).get("attacks") == diary_to_json(diary).get("attacks")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_diary_error(data: bytes) -> None:
    for parse in (parse_diary_json, parse_diary_csv):
        try:
            parse(data, "fuzz")
        except DiaryError:
            pass


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
_keys = st.sampled_from(
    [
        "format",
        "patient",
        "attacks",
        "id",
        "start",
        "intensity",
        "medications",
        "days",
        "timezone",
        "twitching",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_keys, _json, max_size=6), st.booleans())
def test_random_json_only_raises_diary_error(data: dict[str, object], valid_format: bool) -> None:
    if valid_format:
        data = {**data, "format": "fhirmig-diary/1"}
    try:
        parse_diary_json(json.dumps(data).encode(), "fuzz.json")
    except DiaryError as exc:
        assert all(str(p).startswith("fuzz.json") for p in exc.problems)

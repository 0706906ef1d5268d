"""Properties of de-identification over generated diaries (DST zones, long attacks, free text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.analysis import compute_stats, stats_to_json
from fhirmig.diary import Diary, dumps_diary, parse_diary_json
from fhirmig.privacy import deidentify_diary
from tests.diary.strategies import diaries

HEADLINE = (
    "attacks",
    "headache_days",
    "migraine_days",
    "acute_medication_days",
    "class_days",
    "per_28_days",
    "twitching_attacks",
)
keys = st.binary(min_size=32, max_size=32).filter(lambda k: len(set(k)) >= 10)


@settings(max_examples=60, deadline=None)
@given(diaries(), keys, st.booleans())
def test_headline_figures_survive_any_key(diary: Diary, key: bytes, keep: bool) -> None:
    result = deidentify_diary(diary, key, keep_notes=keep)
    for definition in ("diary", "ichd"):
        before = stats_to_json(compute_stats(diary, migraine_day=definition))
        after = stats_to_json(compute_stats(result, migraine_day=definition))
        assert {k: after[k] for k in HEADLINE} == {k: before[k] for k in HEADLINE}
        assert after["period"]["days"] == before["period"]["days"]


@settings(max_examples=60, deadline=None)
@given(diaries(), keys)
def test_result_is_a_valid_diary_with_the_same_records(diary: Diary, key: bytes) -> None:
    result = deidentify_diary(diary, key)
    again = parse_diary_json(dumps_diary(result), "d.json")
    assert again == result
    assert len(result.attacks) == len(diary.attacks)
    assert [a.intensity for a in result.attacks] == [a.intensity for a in diary.attacks]
    assert all(a.notes is None for a in result.attacks)
    order_before = sorted(range(len(diary.attacks)), key=lambda i: diary.attacks[i].start)
    order_after = sorted(range(len(result.attacks)), key=lambda i: result.attacks[i].start)
    assert order_after == order_before

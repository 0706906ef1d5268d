"""The clinical figures of a de-identified diary equal those of the original.

Everything counted per day or over the whole period is identical. Only what is cut by
calendar month moves, because months are cut in the shifted calendar: those figures are
checked to add up to the same totals. Dates move by the shift, ids become pseudonyms and
free text is gone, exactly as de-identification promises.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from fhirmig.analysis import compute_stats, stats_to_json
from fhirmig.diary import Diary
from fhirmig.privacy import OTHER, date_shift_days, deidentify_diary, record_pseudonym

MONTHLY = ("months", "overuse", "chronic_frequency")
MONTH_COUNTS = ("days", "headache_days", "migraine_days", "acute_medication_days", "recorded_days")


def _moved(text: str | None, days: int) -> str | None:
    if text is None:
        return None
    return (date.fromisoformat(text) + timedelta(days=days)).isoformat()


def _expected(original: dict[str, Any], diary: Diary, key: bytes, keep: bool) -> dict[str, Any]:
    """What de-identification should make of the original figures (monthly ones aside)."""
    pid = diary.patient.id
    days = date_shift_days(pid, key)
    want = copy.deepcopy(original)
    want["period"]["from"] = _moved(want["period"]["from"], days)
    want["period"]["to"] = _moved(want["period"]["to"], days)
    for q in want["questionnaires"]:
        q["date"] = _moved(q["date"], days)
    for m in want["medication_effect"]:
        m["medication"] = record_pseudonym(pid, "medication", m["medication"], key)
    for d in want["twitching"]["descriptions"]:
        d["attack_id"] = record_pseudonym(pid, "attack", d["attack_id"], key)
        d["date"] = _moved(d["date"], days)
        if not keep:
            d["description"] = None
    for r in want["treatment_response"]:
        r["treatment"] = record_pseudonym(pid, "treatment", r["treatment"], key)
        r["start"] = _moved(r["start"], days)
        for window in ("baseline", "assessment"):
            for bound in ("from", "to"):
                r[window][bound] = _moved(r[window][bound], days)
    if not keep:
        from fhirmig.diary.vocabulary import TRIGGERS

        for t in want["triggers"]:
            if t["trigger"] not in TRIGGERS:
                t["trigger"] = OTHER
        # free text becomes OTHER; with one free-text trigger nothing merges, only the
        # place in code-point order moves
        free = [t for t in want["twitching_triggers"] if t["trigger"] not in TRIGGERS]
        assert len(free) <= 1, "the examples hold at most one free-text trigger"
        for t in free:
            t["trigger"] = OTHER
        want["twitching_triggers"].sort(key=lambda t: t["trigger"])
    for name in (*MONTHLY, "twitching"):
        want.pop(name) if name in MONTHLY else want[name].pop("episodes_per_month")
    return want


def _without_monthly(figures: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(figures)
    for name in MONTHLY:
        out.pop(name)
    out["twitching"].pop("episodes_per_month")
    return out


def _month_totals(figures: dict[str, Any]) -> dict[str, int]:
    totals = {k: sum(m[k] for m in figures["months"]) for k in MONTH_COUNTS}
    totals["twitching_episodes"] = sum(figures["twitching"]["episodes_per_month"].values())
    return totals


@pytest.mark.parametrize("migraine_day", ["diary", "ichd"])
@pytest.mark.parametrize("keep", [False, True])
def test_figures_are_unchanged(
    example_diary: Diary, key: bytes, migraine_day: str, keep: bool
) -> None:
    before = stats_to_json(compute_stats(example_diary, migraine_day=migraine_day))  # type: ignore[arg-type]
    result = deidentify_diary(example_diary, key, keep_notes=keep)
    after = stats_to_json(compute_stats(result, migraine_day=migraine_day))  # type: ignore[arg-type]
    assert before["attacks"] > 0
    assert _without_monthly(after) == _expected(before, example_diary, key, keep)
    assert _month_totals(after) == _month_totals(before)


def test_headline_figures_are_equal_under_many_keys(example_diary: Diary) -> None:
    headline = ("attacks", "headache_days", "migraine_days", "acute_medication_days")
    before = stats_to_json(compute_stats(example_diary))
    for n in range(12):
        key = bytes((n * 37 + i) % 256 for i in range(32))
        after = stats_to_json(compute_stats(deidentify_diary(example_diary, key)))
        assert {k: after[k] for k in headline} == {k: before[k] for k in headline}
        assert after["class_days"] == before["class_days"]
        assert after["per_28_days"] == before["per_28_days"]
        assert after["period"]["days"] == before["period"]["days"]

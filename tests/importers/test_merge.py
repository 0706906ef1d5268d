"""Merging an import into a diary keeps what is there, says what changed, and is idempotent."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.diary import DayEntry, dumps_diary, read_diary
from fhirmig.diary.model import Diary
from fhirmig.importers import import_migraine_buddy, merge_days, merge_diaries

DATA = Path(__file__).parent / "data"


def _mb(timezone: str) -> Diary:
    return import_migraine_buddy(
        DATA / "mb_standard.csv", patient_id="ignored", timezone=timezone
    ).diary


def test_merge_into_example_keeps_existing_and_twice_changes_nothing(examples: Path) -> None:
    base = read_diary(examples / "episodic-twitching.json")
    first = merge_diaries(base, _mb(base.patient.timezone))
    assert first.changes == (
        "added 4 medications to the catalogue",
        "added 3 attacks",
        "filled notes on 2 existing days",
    )
    merged = first.diary
    assert merged.patient == base.patient
    assert len(merged.attacks) == len(base.attacks) + 3
    for attack in base.attacks:  # every existing attack is still there, unchanged
        assert attack in merged.attacks
    starts = [a.start for a in merged.attacks]
    assert starts == sorted(starts)
    day = next(d for d in merged.days if d.date.isoformat() == "2026-09-12")
    before = next(d for d in base.days if d.date.isoformat() == "2026-09-12")
    assert day.sleep_hours == before.sleep_hours  # values kept; notes filled in
    assert day.notes is not None and "Started Topiramate" in day.notes
    second = merge_diaries(merged, _mb(base.patient.timezone))
    assert second.changes == ()
    assert not second.changed
    assert second.kept == (
        "left out 3 attacks already in the diary (same id or start)",
        # the export's "Menstruation: Yes" meets the diary's own "menstruation": false
        "kept the diary's menstruation on 1 day where the import differs",
    )
    assert dumps_diary(second.diary) == dumps_diary(merged)


def test_medications_are_matched_by_name_and_intakes_remapped() -> None:
    base = Diary.model_validate(
        {
            "format": "fhirmig-diary/1",
            "patient": {"id": "p", "timezone": "Europe/Lisbon"},
            "medications": [
                {"id": "suma", "name": "sumatriptan 50MG oral", "class": "triptan"},
                {"id": "ibuprofen-400mg", "name": "Ibuprofen 600 mg", "class": "nsaid"},
            ],
        }
    )
    merged = merge_diaries(base, _mb("Europe/Lisbon")).diary
    ids = {m.id: m.name for m in merged.medications}
    assert ids["suma"] == "sumatriptan 50MG oral"
    assert ids["ibuprofen-400mg"] == "Ibuprofen 600 mg"  # kept; the import's gets a new id
    assert ids["ibuprofen-400mg-2"] == "Ibuprofen 400mg"
    first = merged.attacks[0]
    assert [i.medication for i in first.medications] == ["suma", "ibuprofen-400mg-2"]


def test_attack_at_the_same_instant_is_not_duplicated() -> None:
    incoming = _mb("Europe/Lisbon")
    same_start = incoming.attacks[0].model_copy(update={"id": "my-own-id", "intensity": 9})
    base = incoming.model_copy(
        update={"attacks": [same_start], "medications": incoming.medications}
    )
    result = merge_diaries(base, incoming)
    assert [a.id for a in result.diary.attacks] == [
        "my-own-id",
        "mb-20261014T2205",
        "mb-20261025T1600",
    ]
    assert result.diary.attacks[0].intensity == 9


def test_merge_days_fills_gaps_and_keeps_differences() -> None:
    base = Diary.model_validate(
        {
            "format": "fhirmig-diary/1",
            "patient": {"id": "p"},
            "days": [
                {"date": "2026-10-01", "sleepHours": 6, "stress": 3},
                {"date": "2026-10-02", "stress": 5},
            ],
        }
    )
    incoming = [
        DayEntry.model_validate({"date": "2026-10-01", "sleepHours": 7.5}),
        DayEntry.model_validate({"date": "2026-10-02", "sleepHours": 8}),
        DayEntry.model_validate({"date": "2026-09-30", "sleepHours": 5}),
    ]
    result = merge_days(base, incoming)
    got = {d.date.isoformat(): (d.sleep_hours, d.stress) for d in result.diary.days}
    assert got == {"2026-09-30": (5, None), "2026-10-01": (6, 3), "2026-10-02": (8, 5)}
    assert result.changes == ("added 1 day", "filled sleepHours on 1 existing day")
    assert result.kept == ("kept the diary's sleepHours on 1 day where the import differs",)
    again = merge_days(result.diary, incoming)
    assert again.changes == () and again.diary is result.diary


@settings(max_examples=25, deadline=None)
@given(picks=st.lists(st.booleans(), min_size=3, max_size=3), days=st.booleans())
def test_merging_any_part_twice_equals_merging_it_once(picks: list[bool], days: bool) -> None:
    full = _mb("Europe/Lisbon")
    part = full.model_copy(
        update={
            "attacks": [a for a, keep in zip(full.attacks, picks, strict=True) if keep],
            "days": full.days if days else [],
        }
    )
    base = full.model_copy(update={"attacks": full.attacks[:1], "days": []})
    once = merge_diaries(base, part)
    twice = merge_diaries(once.diary, part)
    assert twice.changes == ()
    assert dumps_diary(twice.diary) == dumps_diary(once.diary)
    assert base.attacks[0] in once.diary.attacks

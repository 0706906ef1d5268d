"""The per-call attack index and the trigger tally, which several figures share."""

from __future__ import annotations

from collections import Counter
from datetime import date

from fhirmig.analysis import compute_stats
from fhirmig.analysis.days import AttackDays, index_attacks
from fhirmig.analysis.twitch_triggers import TriggerTally, tally_triggers


def test_index_attacks_days_intakes_and_twitching(build, take):
    diary = build(
        [
            # 23:30 UTC is already the next day in Berlin; the undated intake counts on
            # the start day, the dated one on its own Berlin day.
            {
                "start": "2026-10-03T23:30:00+00:00",
                "end": "2026-10-04T23:30:00+00:00",
                "medications": [take("suma"), take("ibu", "2026-10-04T22:30:00+00:00")],
                "twitching": [{"location": "left-eyelid"}],
            },
            {"start": "2026-10-06T10:00", "symptoms": ["muscle-twitching"]},
            {"start": "2026-10-07T10:00", "durationMinutes": 60, "symptoms": ["nausea"]},
        ],
        timezone="Europe/Berlin",
    )
    index = index_attacks(diary.attacks, diary.patient.tz)
    assert [tuple(item)[1:] for item in index] == [
        (date(2026, 10, 4), date(2026, 10, 5), (date(2026, 10, 4), date(2026, 10, 5)), True),
        (date(2026, 10, 6), date(2026, 10, 6), (), True),
        (date(2026, 10, 7), date(2026, 10, 7), (), False),
    ]
    assert all(isinstance(item, AttackDays) for item in index)
    assert [item.attack.id for item in index] == ["a0", "a1", "a2"]


def test_tally_triggers_counts_each_attack_once_per_trigger(build):
    diary = build(
        [
            {"start": "2026-10-01T10:00", "triggers": ["cheese", "cheese", "stress"]},
            {
                "start": "2026-10-02T10:00",
                "triggers": ["cheese", "cheese", "stress"],
                "symptoms": ["muscle-twitching"],
            },
            {"start": "2026-10-03T10:00", "triggers": ["stress"]},
            {"start": "2026-10-04T10:00", "symptoms": ["muscle-twitching"]},
        ]
    )
    tally = tally_triggers(index_attacks(diary.attacks, diary.patient.tz))
    assert tally == TriggerTally(
        attacks=4,
        twitching=2,
        listing=Counter({"cheese": 2, "stress": 3}),
        listing_twitching=Counter({"cheese": 1, "stress": 1}),
    )
    stats = compute_stats(diary)
    assert [(t.trigger, t.attacks, t.share) for t in stats.triggers] == [
        ("stress", 3, 0.75),
        ("cheese", 2, 0.5),
    ]
    assert [(t.trigger, t.with_trigger, t.with_twitching) for t in stats.twitching_triggers] == [
        ("cheese", 2, 1),
        ("stress", 3, 1),
    ]
    assert stats.twitching_attacks == 2


def test_day_classes_gathered_from_several_intakes(build, take):
    diary = build(
        [
            {
                "start": "2026-10-01T10:00",
                "medications": [take("suma"), take("ibu"), take("para"), take("ubro")],
            },
            {"start": "2026-10-02T10:00", "kind": "aura-only", "medications": [take("meto")]},
            # an ergot taken the next day makes that day a migraine day without an attack
            {
                "start": "2026-10-02T23:00",
                "kind": "tension",
                "medications": [take("ergo", "2026-10-03T08:00")],
            },
        ]
    )
    rows = {row.day: row for row in compute_stats(diary).day_table}
    first = rows[date(2026, 10, 1)]
    assert first.classes == frozenset({"triptan", "non_opioid_analgesic", "other_acute"})
    assert (first.acute_medication, first.migraine, first.attack_ids) == (True, True, ("a0",))
    second = rows[date(2026, 10, 2)]
    assert (second.classes, second.acute_medication, second.headache) == (frozenset(), False, True)
    assert (second.aura, second.attack_ids, second.peak_intensity) == (True, ("a1", "a2"), 5)
    third = rows[date(2026, 10, 3)]
    assert (third.classes, third.migraine, third.recorded, third.attack_ids) == (
        frozenset({"ergot"}),
        True,
        True,
        (),
    )

"""ICHD-3 threshold checks and the two migraine-day definitions, against hand counts."""

from __future__ import annotations

from datetime import date

import pytest

from fhirmig.analysis import compute_stats
from fhirmig.analysis.counts import ichd_migraine_attack, threshold_run

SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))


def med_days(take, plan: dict[str, list[int]]) -> list[dict]:
    """One short attack per day of September listed, with the medications planned that day."""
    by_day: dict[int, list[str]] = {}
    for med, days in plan.items():
        for d in days:
            by_day.setdefault(d, []).append(med)
    return [
        {
            "start": f"2026-09-{d:02d}T08:00",
            "durationMinutes": 60,
            "kind": "tension",
            "medications": [take(m, f"2026-09-{d:02d}T09:00") for m in meds],
        }
        for d, meds in sorted(by_day.items())
    ]


def september(build, attacks):
    stats = compute_stats(build(attacks), start=SEPTEMBER[0], end=SEPTEMBER[1])
    (month,) = stats.months
    assert month.complete
    return stats, month


def test_overuse_reached_only_through_two_classes_together(build, take):
    # 6 triptan days + 5 ibuprofen days = 11 days with ICHD-3-class medication, two classes;
    # neither class alone reaches its threshold (10 and 15).
    stats, month = september(
        build, med_days(take, {"suma": list(range(1, 7)), "ibu": list(range(10, 15))})
    )
    assert month.class_days["triptan"] == 6
    assert month.class_days["non_opioid_analgesic"] == 5
    assert month.acute_medication_days == 11
    assert month.overuse_threshold_reached
    assert month.overuse_reasons == ("multiple_classes",)
    assert stats.overuse.months_reached == ("2026-09",)
    assert stats.overuse.longest_run == 1


def test_two_classes_on_nine_days_is_not_reached(build, take):
    # 5 triptan days and 5 ibuprofen days, one day shared: 9 distinct days.
    _, month = september(build, med_days(take, {"suma": [1, 2, 3, 4, 5], "ibu": [5, 6, 7, 8, 9]}))
    assert month.acute_medication_days == 9
    assert not month.overuse_threshold_reached


def test_single_class_thresholds(build, take):
    _, month = september(build, med_days(take, {"suma": list(range(1, 11))}))
    assert month.overuse_reasons == ("triptan",)
    _, month = september(build, med_days(take, {"ergo": list(range(1, 10))}))
    assert not month.overuse_threshold_reached
    _, month = september(build, med_days(take, {"code": list(range(1, 11))}))
    assert month.overuse_reasons == ("opioid",)
    _, month = september(build, med_days(take, {"combo": list(range(1, 11))}))
    assert month.overuse_reasons == ("combination_analgesic",)


def test_simple_analgesics_and_nsaids_are_one_class_with_threshold_15(build, take):
    _, month = september(
        build, med_days(take, {"para": list(range(1, 8)), "ibu": list(range(8, 15))})
    )
    assert month.class_days["non_opioid_analgesic"] == 14
    assert not month.overuse_threshold_reached
    _, month = september(
        build, med_days(take, {"para": list(range(1, 9)), "ibu": list(range(8, 16))})
    )
    assert month.class_days["non_opioid_analgesic"] == 15
    assert month.overuse_reasons == ("non_opioid_analgesic",)


def test_gepants_count_as_other_acute_and_never_reach_a_threshold(build, take):
    stats, month = september(build, med_days(take, {"ubro": list(range(1, 21)), "suma": [25]}))
    assert month.class_days["other_acute"] == 20
    assert month.acute_medication_days == 21
    assert not month.overuse_threshold_reached
    assert stats.class_days["other_acute"] == 20


def test_non_acute_medication_is_no_acute_medication_day(build, take):
    stats, _ = september(build, med_days(take, {"meto": [1, 2, 3]}))
    assert stats.acute_medication_days == 0


def test_chronic_frequency_needs_15_headache_and_8_migraine_days(build):
    tension = [
        {"start": f"2026-09-{d:02d}T08:00", "durationMinutes": 60, "kind": "tension"}
        for d in range(1, 8)
    ]
    migraine = [{"start": f"2026-09-{d:02d}T08:00", "durationMinutes": 60} for d in range(8, 16)]
    stats, month = september(build, tension + migraine)
    assert (month.headache_days, month.migraine_days) == (15, 8)
    assert month.chronic_frequency_reached
    assert stats.chronic_frequency.months_reached == ("2026-09",)
    _, month = september(build, tension[1:] + migraine)
    assert (month.headache_days, month.chronic_frequency_reached) == (14, False)
    _, month = september(
        build, tension + [{**a, "kind": "tension"} for a in migraine[:1]] + migraine[1:]
    )
    assert (month.headache_days, month.migraine_days, month.chronic_frequency_reached) == (
        15,
        7,
        False,
    )


def test_longest_run_of_consecutive_months():
    assert threshold_run([]).longest_run == 0
    assert threshold_run(["2026-01", "2026-02", "2026-04"]).longest_run == 2
    run = threshold_run(["2026-01", "2025-11", "2025-12", "2026-03"])
    assert run.months_reached == ("2025-11", "2025-12", "2026-01", "2026-03")
    assert run.longest_run == 3


def test_threshold_months_over_a_period(build, take):
    attacks = []
    for month in (1, 2, 4, 5, 6):
        attacks += [
            {
                "start": f"2026-{month:02d}-{d:02d}T08:00",
                "medications": [take("suma", f"2026-{month:02d}-{d:02d}T09:00")],
            }
            for d in range(1, 11)
        ]
    stats = compute_stats(build(attacks), start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert stats.overuse.months_reached == ("2026-01", "2026-02", "2026-04", "2026-05", "2026-06")
    assert stats.overuse.longest_run == 3


ICHD_BASE = {
    "start": "2026-09-01T08:00",
    "durationMinutes": 240,
    "kind": "headache",
    "intensity": 2,
    "painLocations": ["left-temple", "behind-left-eye"],
    "painQualities": ["throbbing"],
    "symptoms": ["nausea"],
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, True),  # one-sided + throbbing, nausea
        ({"durationMinutes": 29}, False),  # too short
        ({"durationMinutes": 30}, True),
        ({"durationMinutes": None}, True),  # unknown duration
        ({"painLocations": ["left-temple", "right-temple"]}, False),  # not one-sided: 1 feature
        ({"painLocations": ["right-eyelid", "behind-right-eye"]}, True),
        ({"painLocations": ["head"]}, False),
        ({"painLocations": ["left temple (free text)"]}, False),
        ({"painLocations": [], "intensity": 4}, True),  # throbbing + intensity
        ({"painLocations": [], "disability": "moderate"}, True),
        ({"painLocations": [], "disability": "mild"}, False),
        ({"painQualities": ["pulsating"]}, True),
        ({"painQualities": ["pressing"]}, False),
        ({"symptoms": ["photophobia"]}, False),
        ({"symptoms": ["photophobia", "phonophobia"]}, True),
        ({"symptoms": ["vomiting"]}, True),
        ({"symptoms": []}, False),
    ],
)
def test_ichd_migraine_attack_features(build, change, expected):
    attack = {k: v for k, v in {**ICHD_BASE, **change}.items() if v is not None}
    diary = build([attack])
    assert ichd_migraine_attack(diary.attacks[0]) is expected
    stats = compute_stats(diary, migraine_day="ichd")
    assert stats.migraine_days == int(expected)
    # the default definition looks at the kind only: this is a "headache" attack
    assert compute_stats(diary).migraine_days == 0


def test_aura_and_triptan_days_are_migraine_days_under_both_definitions(build, take):
    diary = build(
        [
            {"start": "2026-09-01T08:00", "kind": "tension", "aura": True},
            {
                "start": "2026-09-03T08:00",
                "kind": "tension",
                "medications": [take("suma", "2026-09-04T08:00")],
            },
            {"start": "2026-09-06T08:00", "kind": "tension", "medications": [take("ergo")]},
            {"start": "2026-09-08T08:00", "kind": "tension", "medications": [take("ibu")]},
        ]
    )
    for definition in ("diary", "ichd"):
        stats = compute_stats(diary, migraine_day=definition)
        migraine = [row.day.day for row in stats.day_table if row.migraine]
        assert migraine == [1, 4, 6], definition
        assert stats.headache_days == 4


def test_migraine_kind_counts_under_diary_not_ichd(build):
    diary = build([{"start": "2026-09-01T08:00", "durationMinutes": 60, "intensity": 3}])
    assert compute_stats(diary).migraine_days == 1
    assert compute_stats(diary, migraine_day="ichd").migraine_days == 0


def test_unknown_definition_is_a_usage_error(build):
    from fhirmig.errors import UsageError

    with pytest.raises(UsageError, match="migraine-day"):
        compute_stats(build([]), migraine_day="strict")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="before it starts"):
        compute_stats(build([]), start=date(2026, 2, 2), end=date(2026, 2, 1))

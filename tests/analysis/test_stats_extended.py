"""The figures beyond the contract: twitching, triggers, exposures, medication effect,
relief methods, questionnaires and the previous-period comparison."""

from __future__ import annotations

import math
from datetime import date

import pytest

from fhirmig.analysis import compute_stats, stats_to_json
from fhirmig.analysis.patterns import rate_ratio
from fhirmig.analysis.treatment import grade_questionnaire


def twitch(location: str, start: str | None = None, **more):
    out = {"location": location, **more}
    if start is not None:
        out["start"] = start
    return out


def test_twitching_figures(build):
    diary = build(
        [
            {
                "start": "2026-09-01T10:00",
                "end": "2026-09-01T14:00",
                "intensity": 8,
                "twitching": [
                    twitch("left-eyelid", "2026-09-01T09:30", description="flicker", intensity=3),
                    twitch("left-eyelid", "2026-09-01T11:00"),
                ],
            },
            {"start": "2026-09-05T10:00", "intensity": 6, "symptoms": ["muscle-twitching"]},
            {"start": "2026-10-02T10:00", "intensity": 4, "twitching": [twitch("neck")]},
            {"start": "2026-10-03T10:00", "intensity": 3},
            {"start": "2026-10-04T10:00", "intensity": 5},
            {
                "start": "2026-10-06T08:00",
                "end": "2026-10-06T09:00",
                "intensity": 7,
                "twitching": [
                    twitch("neck", "2026-10-06T10:00"),
                    twitch("left-eyelid", "2026-10-06T08:30"),
                ],
            },
        ]
    )
    stats = compute_stats(diary)
    tw = stats.twitching
    assert tw is not None
    assert stats.twitching_attacks == 4
    assert (tw.attacks_with, tw.attacks_total) == (4, 6)
    assert tw.share == pytest.approx(4 / 6)
    assert tw.by_site == {"left-eyelid": 2, "neck": 2}  # attacks, not entries
    assert tw.onset == {"before": 1, "during": 2, "after": 1, "unknown": 2}
    assert tw.mean_peak_with == 6.3  # (8 + 6 + 4 + 7) / 4 = 6.25, half up
    assert tw.mean_peak_without == 4.0
    assert tw.episodes_per_month == {"2026-09": 3, "2026-10": 3}
    assert [(d.attack_id, d.location, d.description, d.intensity) for d in tw.descriptions][:1] == [
        ("a0", "left-eyelid", "flicker", 3)
    ]
    assert len(tw.descriptions) == 5
    assert stats_to_json(stats)["twitching"]["share"] == 0.667
    # only attacks of the period count
    late = compute_stats(diary, start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert late.twitching is not None and (late.twitching.attacks_with, late.twitching_attacks) == (
        2,
        2,
    )


def test_trigger_frequency_counts_each_attack_once(build):
    diary = build(
        [
            {"start": "2026-09-01T10:00", "triggers": ["stress", "stress", "caffeine"]},
            {"start": "2026-09-02T10:00", "triggers": ["stress", "a long drive"]},
            {"start": "2026-09-03T10:00"},
            {"start": "2026-09-04T10:00", "triggers": ["caffeine"]},
        ]
    )
    rows = [(t.trigger, t.attacks, t.share) for t in compute_stats(diary).triggers]
    assert rows == [("caffeine", 2, 0.5), ("stress", 2, 0.5), ("a long drive", 1, 0.25)]


def exposure_diary(build, exposed_days: int = 8):
    # Entries 1-20 September; sleep 5 h on the first `exposed_days` entries, 8 h after.
    days = [
        {"date": f"2026-09-{d:02d}", "sleepHours": 5 if d <= exposed_days else 8}
        for d in range(1, 21)
    ]
    # attacks start on 2, 3, 4, 5 (after short sleep) and on 15 and 20 (after normal sleep)
    attacks = [{"start": f"2026-09-{d:02d}T10:00"} for d in (2, 3, 4, 5, 15, 20)]
    return build(attacks, days=days)


def test_exposure_rate_ratio_with_log_interval(build):
    stats = compute_stats(exposure_diary(build), start=date(2026, 9, 2), end=date(2026, 9, 21))
    sleep, stress, caffeine = stats.exposures
    assert sleep.factor == "short-sleep"
    assert (sleep.exposed_days, sleep.exposed_attack_days) == (8, 4)
    assert (sleep.unexposed_days, sleep.unexposed_attack_days) == (12, 2)
    assert sleep.enough_data
    # (4/8) / (2/12) = 3; se = sqrt(1/4 - 1/8 + 1/2 - 1/12) = 0.73598
    assert sleep.ratio == pytest.approx(3.0)
    assert sleep.ci_low == pytest.approx(0.709, abs=0.001)
    assert sleep.ci_high == pytest.approx(12.69, abs=0.01)
    # nothing recorded for stress or caffeine: no days, not enough data
    for factor in (stress, caffeine):
        assert (factor.exposed_days, factor.unexposed_days, factor.enough_data) == (0, 0, False)
        assert factor.ratio is None
    out = stats_to_json(stats)["exposures"]
    assert out[0]["ratio"] == 3.0 and out[0]["ci_high"] == 12.69 and out[0]["note"] is None
    assert out[1]["note"] == "not enough data"


def test_fewer_than_five_exposed_days_is_not_enough_data(build):
    stats = compute_stats(
        exposure_diary(build, exposed_days=4), start=date(2026, 9, 2), end=date(2026, 9, 21)
    )
    sleep = stats.exposures[0]
    assert (sleep.exposed_days, sleep.exposed_attack_days) == (4, 4)  # 2-5 September
    assert not sleep.enough_data and sleep.ratio is None


def test_caffeine_above_the_median_and_stress_from_seven(build):
    days = [
        {"date": f"2026-09-{d:02d}", "caffeineMg": 100 * (d % 4), "stress": d % 10}
        for d in range(1, 21)
    ]
    stats = compute_stats(build([], days=days), start=date(2026, 9, 2), end=date(2026, 9, 21))
    _, stress, caffeine = stats.exposures
    # caffeine 100, 200, 300, 0 repeating: median 150; 200 and 300 are above -> 10 days
    assert "150 mg" in caffeine.definition
    assert (caffeine.exposed_days, caffeine.unexposed_days) == (10, 10)
    # stress 1..9, 0, 1..9, 0: 7, 8, 9 twice -> 6 days
    assert (stress.exposed_days, stress.unexposed_days) == (6, 14)
    assert not stress.enough_data  # no attack days at all


def test_rate_ratio_formula():
    ratio, low, high = rate_ratio(10, 20, 5, 40)
    assert ratio == pytest.approx(4.0)
    se = math.sqrt(1 / 10 - 1 / 20 + 1 / 5 - 1 / 40)
    assert low == pytest.approx(4 * math.exp(-1.96 * se), rel=1e-3)
    assert high == pytest.approx(4 * math.exp(1.96 * se), rel=1e-3)


def test_medication_effect_and_relief_methods(build, take):
    diary = build(
        [
            {
                "start": "2026-09-01T10:00",
                "medications": [take("suma", "2026-09-01T10:30", "good"), take("ibu")],
                "reliefMethods": [{"method": "dark-room", "effect": "good"}, {"method": "rest"}],
            },
            {
                "start": "2026-09-02T10:00",
                "medications": [take("suma", "2026-09-02T11:30", "none")],
                "reliefMethods": [{"method": "dark-room", "effect": "none"}],
            },
            {"start": "2026-09-03T10:00", "medications": [take("suma", None, "complete")]},
        ]
    )
    stats = compute_stats(diary)
    suma, ibu = stats.medication_effect  # catalogue order, untaken ones left out
    assert (suma.medication_id, suma.intakes, suma.rated, suma.good_or_complete) == (
        "suma",
        3,
        3,
        2,
    )
    assert suma.good_or_complete_share == pytest.approx(2 / 3)
    assert suma.median_minutes_to_intake == 60.0
    assert (ibu.intakes, ibu.rated, ibu.good_or_complete_share, ibu.median_minutes_to_intake) == (
        1,
        0,
        None,
        None,
    )
    dark, rest = stats.relief_methods
    assert (dark.method, dark.uses, dark.effects) == (
        "dark-room",
        2,
        {"none": 1, "some": 0, "good": 1, "complete": 0, "unrated": 0},
    )
    assert (rest.method, rest.uses, rest.effects["unrated"]) == ("rest", 1, 1)
    assert stats_to_json(stats)["medication_effect"][0]["good_or_complete_share"] == 0.667


@pytest.mark.parametrize(
    ("instrument", "score", "grade"),
    [
        ("MIDAS", 0, "I"),
        ("MIDAS", 5, "I"),
        ("MIDAS", 6, "II"),
        ("MIDAS", 10, "II"),
        ("MIDAS", 11, "III"),
        ("MIDAS", 20, "III"),
        ("MIDAS", 21, "IV"),
        ("HIT-6", 36, "<=49"),
        ("HIT-6", 49, "<=49"),
        ("HIT-6", 50, "50-55"),
        ("HIT-6", 55, "50-55"),
        ("HIT-6", 56, "56-59"),
        ("HIT-6", 59, "56-59"),
        ("HIT-6", 60, ">=60"),
        ("HIT-6", 78, ">=60"),
    ],
)
def test_questionnaire_grades(instrument, score, grade):
    assert grade_questionnaire(instrument, score)[0] == grade


def test_questionnaires_in_the_period_in_date_order(build):
    diary = build(
        [{"start": "2026-09-01T10:00"}, {"start": "2026-10-30T10:00"}],
        questionnaires=[
            {"instrument": "HIT-6", "date": "2026-10-01", "score": 62},
            {"instrument": "MIDAS", "date": "2026-10-01", "score": 23},
            {"instrument": "MIDAS", "date": "2026-09-01", "score": 8},
            {"instrument": "MIDAS", "date": "2026-12-01", "score": 3},
        ],
    )
    rows = [
        (q.instrument, q.date.isoformat(), q.grade, q.band)
        for q in compute_stats(diary).questionnaires
    ]
    assert rows == [
        ("MIDAS", "2026-09-01", "II", "mild disability"),
        ("HIT-6", "2026-10-01", ">=60", "severe impact"),
        ("MIDAS", "2026-10-01", "IV", "severe disability"),
    ]


def test_compare_previous_period_of_equal_length(build, take):
    diary = build(
        [
            {"start": "2026-02-10T10:00", "medications": [take("suma", "2026-02-10T11:00")]},
            {"start": "2026-01-29T10:00", "kind": "tension"},
            {"start": "2026-01-28T10:00", "kind": "tension"},  # before the previous period
            {"start": "2026-03-05T10:00"},
            {"start": "2026-03-06T10:00"},
        ]
    )
    stats = compute_stats(
        diary, start=date(2026, 3, 1), end=date(2026, 3, 31), compare_previous=True
    )
    prev = stats.previous
    assert prev is not None
    assert (prev.period_from, prev.period_to, prev.days_in_period) == (
        date(2026, 1, 29),
        date(2026, 2, 28),
        31,
    )
    assert (prev.attacks, prev.headache_days, prev.migraine_days, prev.class_days["triptan"]) == (
        2,
        2,
        1,
        1,
    )
    assert prev.previous is None
    assert (stats.attacks, stats.headache_days) == (2, 2)
    out = stats_to_json(stats)
    assert out["previous_period"]["period"] == {
        "from": "2026-01-29",
        "to": "2026-02-28",
        "days": 31,
    }
    assert "previous_period" not in out["previous_period"]
    assert "previous_period" not in stats_to_json(compute_stats(diary))

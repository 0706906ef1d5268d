"""Diary completeness, hand-computed: recorded days, headache-free days, the share and each
month's recorded days (docs/clinical-definitions.md, "Diary completeness")."""

from __future__ import annotations

from datetime import date

from fhirmig.analysis import compute_stats, format_stats_table, stats_to_json


def test_what_makes_a_day_recorded(build, take):
    diary = build(
        [
            # touches 2 and 3 September (over midnight); its intake falls on 5 September
            {
                "start": "2026-09-02T22:00",
                "end": "2026-09-03T02:00",
                "medications": [take("meto", "2026-09-05T08:00")],
            },
            # an aura-only attack still makes its day recorded
            {"start": "2026-09-08T10:00", "kind": "aura-only", "aura": True},
        ],
        # an entry holding only its date is a record too
        days=[{"date": "2026-09-10"}, {"date": "2026-09-12", "headacheFree": True}],
    )
    out = stats_to_json(compute_stats(diary, start=date(2026, 9, 1), end=date(2026, 9, 30)))
    # recorded: 2, 3, 5 (an intake of a non-acute drug), 8, 10, 12 September = 6 of 30
    assert out["coverage"] == {"recorded_days": 6, "days": 30, "share": 0.2}
    assert out["headache_free_days"] == 1
    assert [m["recorded_days"] for m in out["months"]] == [6]


def test_share_rounds_half_up_on_the_exact_value(build):
    # 1 recorded day of 16: 1/16 = 0.0625 -> 0.063
    diary = build([], days=[{"date": "2026-09-01"}])
    out = stats_to_json(compute_stats(diary, start=date(2026, 9, 1), end=date(2026, 9, 16)))
    assert out["coverage"] == {"recorded_days": 1, "days": 16, "share": 0.063}
    # 2 of 3: 0.6666... -> 0.667
    diary = build([], days=[{"date": "2026-09-01"}, {"date": "2026-09-03"}])
    assert compute_stats(diary).coverage.share == 0.667


def test_months_and_the_period_count_only_days_inside(build):
    days = [{"date": f"2026-08-{n:02d}", "headacheFree": True} for n in range(25, 32)]
    days += [{"date": f"2026-09-{n:02d}", "headacheFree": n % 2 == 0} for n in range(1, 11)]
    diary = build([{"start": "2026-09-15T10:00"}], days=days)
    stats = compute_stats(diary, start=date(2026, 8, 28), end=date(2026, 9, 20))
    out = stats_to_json(stats)
    # August 28-31 (4 entries), September 1-10 (10 entries) and 15 (the attack)
    assert [(m["month"], m["days"], m["recorded_days"]) for m in out["months"]] == [
        ("2026-08", 4, 4),
        ("2026-09", 20, 11),
    ]
    assert out["coverage"] == {"recorded_days": 15, "days": 24, "share": 0.625}
    # headache-free: 28-31 August (4) and 2, 4, 6, 8, 10 September (5); "false" is no mark
    assert out["headache_free_days"] == 9
    assert sum(row.headache_free for row in stats.day_table) == 9
    text = format_stats_table(stats)
    assert "Recorded days" in text and "15 of 24 (share 0.625)" in text
    assert "Headache-free days (as marked)" in text


def test_an_empty_period_has_zero_coverage(build):
    out = stats_to_json(compute_stats(build([])))
    assert out["coverage"] == {"recorded_days": 0, "days": 0, "share": 0.0}
    assert out["headache_free_days"] == 0


def test_previous_period_has_its_own_coverage(build):
    days = [{"date": f"2026-09-{n:02d}"} for n in range(1, 5)]
    diary = build([], days=days)
    stats = compute_stats(
        diary, start=date(2026, 9, 3), end=date(2026, 9, 6), compare_previous=True
    )
    assert stats.coverage.recorded_days == 2
    assert stats.previous is not None
    assert (stats.previous.coverage.recorded_days, stats.previous.coverage.days) == (2, 4)
    assert stats_to_json(stats)["previous_period"]["coverage"]["share"] == 0.5
    assert "2 of 4 (share 0.500)" in format_stats_table(stats)

"""The day logic: time zones, DST, midnight, long and overlapping attacks, partial months."""

from __future__ import annotations

from datetime import date

from fhirmig.analysis import compute_stats, per_28_days
from fhirmig.analysis.days import attack_span, month_spans


def headache_days(stats: object) -> list[date]:
    return [row.day for row in stats.day_table if row.headache]  # type: ignore[attr-defined]


def test_attack_crossing_midnight_touches_both_days(build):
    diary = build([{"start": "2026-10-03T22:00", "end": "2026-10-04T02:00"}])
    stats = compute_stats(diary)
    assert headache_days(stats) == [date(2026, 10, 3), date(2026, 10, 4)]
    assert stats.headache_days == 2
    assert stats.attacks == 1


def test_end_at_exactly_midnight_does_not_touch_the_new_day(build):
    diary = build([{"start": "2026-10-03T20:00", "end": "2026-10-04T00:00"}])
    stats = compute_stats(diary)
    assert headache_days(stats) == [date(2026, 10, 3)]
    assert (stats.period_from, stats.period_to) == (date(2026, 10, 3), date(2026, 10, 3))
    # one second later it does
    later = build([{"start": "2026-10-03T20:00", "end": "2026-10-04T00:00:01"}])
    assert compute_stats(later).headache_days == 2


def test_duration_ending_at_midnight_does_not_touch_the_new_day(build):
    diary = build([{"start": "2026-10-03T21:00", "durationMinutes": 180}])
    assert headache_days(compute_stats(diary)) == [date(2026, 10, 3)]


def test_attack_without_end_or_duration_touches_only_its_start_day(build):
    diary = build([{"start": "2026-10-03T23:50"}])
    stats = compute_stats(diary)
    assert headache_days(stats) == [date(2026, 10, 3)]
    assert stats.days_in_period == 1


def test_72_hour_attack_touches_four_days(build, take):
    diary = build(
        [
            {
                "start": "2026-10-05T20:00+01:00",
                "durationMinutes": 72 * 60,
                "medications": [take("suma", "2026-10-07T09:00+01:00"), take("ibu")],
            }
        ],
        timezone="Europe/Lisbon",
    )
    stats = compute_stats(diary)
    assert headache_days(stats) == [date(2026, 10, d) for d in (5, 6, 7, 8)]
    assert stats.headache_days == 4
    assert stats.migraine_days == 4  # kind migraine by default
    assert stats.attacks == 1
    # the ibuprofen without a time counts on the start day, the triptan on its own day
    assert stats.class_days["triptan"] == 1
    assert stats.class_days["non_opioid_analgesic"] == 1
    assert stats.acute_medication_days == 2
    by_day = {row.day: row.classes for row in stats.day_table}
    assert by_day[date(2026, 10, 5)] == {"non_opioid_analgesic"}
    assert by_day[date(2026, 10, 7)] == {"triptan"}


def test_offset_datetimes_are_counted_in_the_patients_zone(build):
    # 23:30 UTC on 3 October is 00:30 on 4 October in Lisbon (summer time, +01:00).
    diary = build(
        [{"start": "2026-10-03T23:30+00:00", "durationMinutes": 60}], timezone="Europe/Lisbon"
    )
    assert headache_days(compute_stats(diary)) == [date(2026, 10, 4)]
    # and 04:30 UTC on 4 October is still 3 October in New York (-04:00)
    ny = build(
        [{"start": "2026-10-04T02:30+00:00", "durationMinutes": 60}], timezone="America/New_York"
    )
    assert headache_days(compute_stats(ny)) == [date(2026, 10, 3)]


def test_dst_spring_forward_in_lisbon_uses_real_elapsed_time(build):
    # 29 March 2026 has 23 hours in Lisbon. 23 h 20 min after 00:00 WET is 00:20 WEST
    # on 30 March (wall-clock arithmetic would wrongly stop at 23:20 on the 29th).
    diary = build(
        [{"start": "2026-03-29T00:00", "durationMinutes": 23 * 60 + 20}], timezone="Europe/Lisbon"
    )
    assert headache_days(compute_stats(diary)) == [date(2026, 3, 29), date(2026, 3, 30)]
    # 23 hours exactly ends at 00:00 on the 30th, which it does not touch
    exact = build(
        [{"start": "2026-03-29T00:00", "durationMinutes": 23 * 60}], timezone="Europe/Lisbon"
    )
    assert headache_days(compute_stats(exact)) == [date(2026, 3, 29)]


def test_dst_fall_back_in_new_york_uses_real_elapsed_time(build):
    # 1 November 2026 has 25 hours in New York: 25 h after 00:00 EDT is exactly 00:00 EST
    # on 2 November, which is not touched (wall-clock arithmetic would say 01:00 on the 2nd).
    diary = build(
        [{"start": "2026-11-01T00:00", "durationMinutes": 25 * 60}], timezone="America/New_York"
    )
    assert headache_days(compute_stats(diary)) == [date(2026, 11, 1)]
    # an end given as an instant in the other offset is read in the zone as well
    ended = build(
        [{"start": "2026-10-31T23:00-04:00", "end": "2026-11-01T23:30-05:00"}],
        timezone="America/New_York",
    )
    assert headache_days(compute_stats(ended)) == [date(2026, 10, 31), date(2026, 11, 1)]


def test_dst_day_is_one_calendar_day_in_the_day_table(build):
    diary = build(
        [{"start": "2026-10-24T12:00", "end": "2026-10-26T12:00"}], timezone="Europe/Berlin"
    )
    stats = compute_stats(diary)
    assert [row.day for row in stats.day_table] == [date(2026, 10, d) for d in (24, 25, 26)]
    assert stats.days_in_period == 3


def test_overlapping_attacks_count_one_day_and_keep_the_peak(build):
    diary = build(
        [
            {
                "start": "2026-10-03T08:00",
                "end": "2026-10-03T12:00",
                "intensity": 4,
                "kind": "tension",
            },
            {"start": "2026-10-03T10:00", "end": "2026-10-03T18:00", "intensity": 8},
        ]
    )
    stats = compute_stats(diary)
    assert stats.headache_days == 1
    assert stats.migraine_days == 1
    assert stats.attacks == 2
    (row,) = stats.day_table
    assert row.peak_intensity == 8
    assert row.attack_ids == ("a0", "a1")


def test_aura_only_attack_is_no_headache_day_but_a_migraine_day(build):
    diary = build(
        [{"start": "2026-10-03T08:00", "durationMinutes": 30, "kind": "aura-only", "aura": True}]
    )
    stats = compute_stats(diary)
    assert (stats.headache_days, stats.migraine_days, stats.attacks) == (0, 1, 1)
    assert stats.day_table[0].aura


def test_period_bounds_clip_days_and_count_attacks_by_start_day(build, take):
    diary = build(
        [
            {"start": "2026-01-30T20:00", "durationMinutes": 3 * 24 * 60},  # 30 Jan - 2 Feb
            {"start": "2026-02-05T08:00", "medications": [take("suma", "2026-02-05T09:00")]},
            {"start": "2026-03-01T08:00"},
        ]
    )
    stats = compute_stats(diary, start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert stats.attacks == 1  # the first one started before the period
    assert stats.headache_days == 3  # 1 and 2 Feb from the first attack, 5 Feb
    assert stats.class_days["triptan"] == 1
    assert stats.days_in_period == 28
    assert [m.month for m in stats.months] == ["2026-02"]
    assert stats.months[0].complete


def test_partial_months_are_reported_but_not_judged(build, take):
    daily = [
        {"start": f"2026-01-{d:02d}T08:00", "medications": [take("suma", f"2026-01-{d:02d}T09:00")]}
        for d in range(15, 32)
    ]
    stats = compute_stats(build(daily), start=date(2026, 1, 15), end=date(2026, 3, 10))
    assert [(m.month, m.days, m.complete) for m in stats.months] == [
        ("2026-01", 17, False),
        ("2026-02", 28, True),
        ("2026-03", 10, False),
    ]
    january = stats.months[0]
    assert january.class_days["triptan"] == 17 and january.headache_days == 17
    assert not january.overuse_threshold_reached and not january.chronic_frequency_reached
    assert stats.overuse.months_reached == ()


def test_month_spans_cross_a_year():
    assert month_spans(date(2025, 12, 31), date(2026, 1, 1)) == [
        ("2025-12", date(2025, 12, 31), date(2025, 12, 31), False),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 1), False),
    ]


def test_empty_diary_has_an_empty_period(build):
    stats = compute_stats(build([]))
    assert stats.period_from is None and stats.period_to is None
    assert stats.days_in_period == 0
    assert (stats.attacks, stats.headache_days, stats.migraine_days) == (0, 0, 0)
    assert set(stats.class_days.values()) == {0}
    assert stats.per_28_days == {
        "headache_days": 0.0,
        "migraine_days": 0.0,
        "acute_medication_days": 0.0,
    }
    assert stats.months == ()
    assert stats.day_table == ()


def test_empty_diary_with_bounds_counts_zero_days(build):
    stats = compute_stats(build([]), start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert stats.days_in_period == 28 and stats.headache_days == 0
    assert stats.months[0].complete and not stats.months[0].overuse_threshold_reached


def test_daily_entries_and_intakes_extend_the_default_period(build, take):
    diary = build(
        [{"start": "2026-02-10T08:00", "medications": [take("ibu", "2026-02-12T08:00")]}],
        days=[{"date": "2026-02-01", "stress": 3}],
    )
    stats = compute_stats(diary)
    assert (stats.period_from, stats.period_to) == (date(2026, 2, 1), date(2026, 2, 12))


def test_one_bound_takes_the_other_from_the_diary(build):
    diary = build([{"start": "2026-02-10T08:00"}, {"start": "2026-02-20T08:00"}])
    stats = compute_stats(diary, start=date(2026, 2, 15))
    assert (stats.period_from, stats.period_to, stats.attacks) == (
        date(2026, 2, 15),
        date(2026, 2, 20),
        1,
    )
    stats = compute_stats(diary, end=date(2026, 2, 15))
    assert (stats.period_from, stats.period_to, stats.attacks) == (
        date(2026, 2, 10),
        date(2026, 2, 15),
        1,
    )


def test_per_28_days_rounds_half_up():
    assert per_28_days(17, 92) == 5.2
    assert per_28_days(5, 560) == 0.3  # exactly 0.25
    assert per_28_days(3, 8) == 10.5
    assert per_28_days(0, 30) == 0.0
    assert per_28_days(4, 0) == 0.0


def test_attack_span_direct(build):
    diary = build(
        [{"start": "2026-06-30T23:00", "end": "2026-07-02T00:00"}], timezone="Europe/Lisbon"
    )
    assert attack_span(diary.attacks[0], diary.patient.tz) == (date(2026, 6, 30), date(2026, 7, 1))

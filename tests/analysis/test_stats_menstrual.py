"""The menstrual pattern, hand-computed: cycle starts, windows -2..+2, counted cycles and
the pattern (docs/clinical-definitions.md, "Menstrual pattern")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhirmig.analysis import compute_stats, cycle_starts, stats_to_json

P0, P1 = date(2026, 1, 1), date(2026, 4, 30)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def days_of(first: date, last: date, bleeding: set[date]) -> list[dict[str, Any]]:
    out = []
    day = first
    while day <= last:
        entry: dict[str, Any] = {"date": day.isoformat()}
        if day in bleeding:
            entry["menstruation"] = True
        elif day.day % 3 == 0:
            entry["menstruation"] = False  # an explicit "no" is not bleeding either
        out.append(entry)
        day += timedelta(days=1)
    return out


def bleed(start: date, n: int = 4) -> set[date]:
    return {start + timedelta(days=k) for k in range(n)}


def migraines(*days: date) -> list[dict[str, Any]]:
    return [{"start": f"{x.isoformat()}T09:00", "durationMinutes": 60} for x in days]


def menstrual(build: Any, attacks, bleeding: set[date], period=(P0, P1)) -> dict[str, Any]:
    diary = build(attacks, days=days_of(date(2025, 12, 1), date(2026, 5, 31), bleeding))
    out: dict[str, Any] = stats_to_json(compute_stats(diary, start=period[0], end=period[1]))
    return out["menstrual"]


CYCLES = bleed(d(1, 10)) | bleed(d(2, 7)) | bleed(d(3, 7)) | bleed(d(4, 4))


def test_a_one_day_gap_in_bleeding_does_not_start_a_cycle(build):
    # bleeding 10-13 Jan, no bleeding on 14 Jan, bleeding again on 15 Jan: one cycle.
    # 22 Jan has bleeding with 16-21 Jan dry: 6 days apart from 15 Jan, a new start.
    # 26 Jan is no start: 22 Jan lies within its 5 preceding days (21-25 Jan).
    bleeding = bleed(d(1, 10)) | {d(1, 15), d(1, 22), d(1, 26)}
    diary = build([], days=days_of(d(1, 1), d(1, 31), bleeding))
    assert cycle_starts(diary.days) == (d(1, 10), d(1, 22))


def test_the_first_bleeding_day_after_exactly_five_dry_days_starts_a_cycle(build):
    # 1 Jan bleeding; 2-6 Jan dry (5 days); 7 Jan bleeding -> a start. 6 Jan would not be.
    diary = build([], days=days_of(d(1, 1), d(1, 31), {d(1, 1), d(1, 7)}))
    assert cycle_starts(diary.days) == (d(1, 1), d(1, 7))
    diary = build([], days=days_of(d(1, 1), d(1, 31), {d(1, 1), d(1, 6)}))
    assert cycle_starts(diary.days) == (d(1, 1),)


def test_pure_menstrual_when_every_migraine_day_lies_in_a_window(build):
    # windows: 8-12 Jan, 5-9 Feb, 5-9 Mar, 2-6 Apr; migraine on day -2, +2, 0 of three cycles
    m = menstrual(build, migraines(d(1, 8), d(2, 9), d(3, 7)), CYCLES)
    assert m == {
        "cycles": 4,
        "cycles_with_migraine": 3,
        "migraine_days_outside_windows": 0,
        "pattern": "pure-menstrual",
    }


def test_menstrually_related_with_migraine_days_outside(build):
    # 3 of 4 cycles (3 x 3 >= 2 x 4), and 7 Jan (day -3) and 10 Feb (day +3) lie outside
    m = menstrual(build, migraines(d(1, 7), d(1, 8), d(2, 9), d(2, 10), d(3, 7)), CYCLES)
    assert m == {
        "cycles": 4,
        "cycles_with_migraine": 3,
        "migraine_days_outside_windows": 2,
        "pattern": "menstrually-related",
    }


def test_none_below_two_cycles_in_three(build):
    # 2 of 4 cycles: 3 x 2 = 6 < 2 x 4 = 8
    m = menstrual(build, migraines(d(1, 12), d(2, 5), d(4, 20)), CYCLES)
    assert m == {
        "cycles": 4,
        "cycles_with_migraine": 2,
        "migraine_days_outside_windows": 1,
        "pattern": "none",
    }


def test_two_of_three_cycles_is_enough(build):
    three = bleed(d(1, 10)) | bleed(d(2, 7)) | bleed(d(3, 7))
    m = menstrual(build, migraines(d(1, 10), d(2, 7)), three, period=(P0, d(3, 31)))
    assert (m["cycles"], m["cycles_with_migraine"], m["pattern"]) == (3, 2, "pure-menstrual")


def test_fewer_than_three_counted_cycles_are_not_judged(build):
    # migraine in every window, but the period holds only two windows wholly
    m = menstrual(build, migraines(d(1, 10), d(2, 7)), CYCLES, period=(P0, d(2, 28)))
    assert m == {
        "cycles": 2,
        "cycles_with_migraine": 2,
        "migraine_days_outside_windows": 0,
        "pattern": "not-judged",
    }


def test_a_window_across_the_period_edge_is_not_counted_but_still_a_window(build):
    # The period starts on 9 Jan: the window of 10 Jan (8-12 Jan) is not wholly inside, so
    # that cycle is not counted; its migraine day (11 Jan) is not "outside the windows".
    m = menstrual(
        build, migraines(d(1, 11), d(2, 9), d(3, 7), d(4, 4)), CYCLES, period=(d(1, 9), P1)
    )
    assert m == {
        "cycles": 3,
        "cycles_with_migraine": 3,
        "migraine_days_outside_windows": 0,
        "pattern": "pure-menstrual",
    }


def test_cycles_outside_the_period_come_from_the_whole_diary(build):
    # Bleeding on 28-31 Dec (before the period) is a cycle start, so 1 Jan bleeding is not
    # one; the window of 28 Dec (26-30 Dec) lies outside the period and is not counted.
    bleeding = bleed(d(1, 1) - timedelta(days=4), 5) | bleed(d(2, 7)) | bleed(d(3, 7))
    m = menstrual(build, migraines(d(2, 7)), bleeding)
    assert m["cycles"] == 2 and m["pattern"] == "not-judged"


def test_no_menstruation_data_gives_zeros(build):
    m = menstrual(build, migraines(d(1, 11), d(2, 9)), set())
    assert m == {
        "cycles": 0,
        "cycles_with_migraine": 0,
        "migraine_days_outside_windows": 0,
        "pattern": "not-judged",
    }


def test_the_ichd_definition_changes_which_days_are_migraine_days(build):
    # a migraine-kind attack without the ICHD features is no migraine day under "ichd"
    attacks = migraines(d(1, 10), d(2, 7), d(3, 7))
    diary = build(attacks, days=days_of(date(2025, 12, 1), date(2026, 5, 31), CYCLES))
    diary_def = compute_stats(diary, start=P0, end=P1).menstrual
    ichd = compute_stats(diary, start=P0, end=P1, migraine_day="ichd").menstrual
    assert (diary_def.cycles_with_migraine, diary_def.pattern) == (3, "pure-menstrual")
    assert (ichd.cycles_with_migraine, ichd.pattern) == (0, "none")
    assert diary_def.counted_starts == (d(1, 10), d(2, 7), d(3, 7), d(4, 4))

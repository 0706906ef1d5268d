"""The menstrual pattern of migraine days (ICHD-3 appendix A1.1.1 and A1.1.2).

From ``days[].menstruation`` over the whole diary: a cycle starts on a day of bleeding
after at least 5 days without, so a one-day gap in bleeding does not start a new cycle.
Its window is the 5 days from 2 days before the start to 2 days after it, which is
ICHD-3's day -2 to day +3 (ICHD-3 counts no day 0). Only windows wholly inside the period
are counted, because a migraine day outside the period is not known. The pattern is a
pattern for discussion: ICHD-3 asks for prospectively kept records over at least three
cycles, and for migraine in at least two cycles in three.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhirmig.analysis.types import DayFigures, MenstrualFigures, MenstrualPattern
from fhirmig.diary.model import DayEntry

__all__ = [
    "GAP_DAYS",
    "MIN_CYCLES",
    "WINDOW_AFTER",
    "WINDOW_BEFORE",
    "cycle_starts",
    "menstrual_figures",
]

#: A bleeding day starts a cycle when none of the 5 days before it had bleeding.
GAP_DAYS = 5
#: The window runs from 2 days before the cycle start to 2 days after it.
WINDOW_BEFORE = 2
WINDOW_AFTER = 2
#: Fewer counted cycles than this are not judged.
MIN_CYCLES = 3


def cycle_starts(entries: Sequence[DayEntry]) -> tuple[date, ...]:
    """Every cycle start of the diary, in date order."""
    bleeding = sorted({e.date for e in entries if e.menstruation is True})
    starts = []
    previous: date | None = None
    for day in bleeding:
        if previous is None or (day - previous).days > GAP_DAYS:
            starts.append(day)
        previous = day
    return tuple(starts)


def _window(start: date) -> tuple[date, date]:
    return start - timedelta(days=WINDOW_BEFORE), start + timedelta(days=WINDOW_AFTER)


def menstrual_figures(entries: Sequence[DayEntry], table: Sequence[DayFigures]) -> MenstrualFigures:
    """Cycles, cycles with a migraine day in their window, migraine days outside every
    window, and the pattern; ``table`` is the period's day table (empty: no period).

    A diary without a single ``menstruation: true`` day has no cycle and every count 0.
    """
    starts = cycle_starts(entries)
    migraine_days = [row.day for row in table if row.migraine]
    in_windows: set[date] = set()
    for start in starts:
        lo, _ = _window(start)
        in_windows.update(lo + timedelta(days=k) for k in range(WINDOW_BEFORE + WINDOW_AFTER + 1))
    counted: list[date] = []
    with_migraine = 0
    if table:
        first, last = table[0].day, table[-1].day
        for start in starts:
            lo, hi = _window(start)
            if first <= lo and hi <= last:
                counted.append(start)
                offset = (lo - first).days
                rows = table[offset : offset + (hi - lo).days + 1]
                with_migraine += any(row.migraine for row in rows)
    # Without any cycle start (no menstruation data) every count is 0, not "all outside".
    outside = sum(1 for day in migraine_days if day not in in_windows) if starts else 0
    cycles = len(counted)
    pattern: MenstrualPattern
    if cycles < MIN_CYCLES:
        pattern = "not-judged"
    elif 3 * with_migraine >= 2 * cycles:
        pattern = "pure-menstrual" if outside == 0 else "menstrually-related"
    else:
        pattern = "none"
    return MenstrualFigures(
        cycles=cycles,
        cycles_with_migraine=with_migraine,
        migraine_days_outside_windows=outside,
        pattern=pattern,
        cycle_starts=starts,
        counted_starts=tuple(counted),
    )

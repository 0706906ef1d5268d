"""The day logic of every figure, in one place: which calendar days a record touches.

A day is a calendar day, 00:00 to 24:00, in the patient's time zone. All arithmetic on
instants is done in UTC and only then converted to the patient's zone, so a duration of
25 hours across the autumn DST change really is 25 hours (wall-clock arithmetic on an
aware datetime would add 24 or 26). The rules, as docs/clinical-definitions.md states them:

- an attack touches every day from the day of its start to the day of its end, where the
  end is ``end``, else ``start + durationMinutes``; an end at exactly 00:00 does not touch
  the new day; an attack with neither touches only its start day;
- an intake counts on the day of its ``taken`` time, else on its attack's start day;
- the default period runs from the first to the last day that any attack, intake or daily
  entry touches.

:func:`index_attacks` works these days out once per :func:`~fhirmig.analysis.compute_stats`
call, together with the one per-attack predicate several passes read (is it a twitching
attack), so no pass converts an attack's times to the patient's zone or tests the attack
again. The index is a value handed from pass to pass, never a module-level cache, so
nothing leaks from one diary to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from fhirmig.diary.model import Attack, Diary, Intake
from fhirmig.errors import UsageError

__all__ = [
    "ONE_DAY",
    "AttackDays",
    "attack_end",
    "attack_span",
    "day_range",
    "index_attacks",
    "intake_day",
    "is_twitching_attack",
    "local_day",
    "month_key",
    "month_spans",
    "natural_period",
    "resolve_period",
]

ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day of ``moment`` in the zone ``tz``."""
    return moment.astimezone(tz).date()


def attack_end(attack: Attack) -> datetime | None:
    """The instant the attack ended: ``end``, else ``start + durationMinutes`` in real time.

    Unlike wall-clock arithmetic, the sum is taken in UTC, so a duration spanning a DST
    change keeps its true length.
    """
    if attack.end is not None:
        return attack.end
    if attack.duration_minutes is not None:
        return attack.start.astimezone(UTC) + timedelta(minutes=attack.duration_minutes)
    return None


def attack_span(attack: Attack, tz: tzinfo) -> tuple[date, date]:
    """The first and last calendar day the attack touches in ``tz``."""
    first = local_day(attack.start, tz)
    end = attack_end(attack)
    if end is None:
        return first, first
    local_end = end.astimezone(tz)
    last = local_end.date()
    if last > first and local_end.time() == _MIDNIGHT:
        # An end at exactly 00:00 closes the previous day; it does not touch the new one.
        last -= ONE_DAY
    return first, max(first, last)


def intake_day(intake: Intake, attack: Attack, tz: tzinfo) -> date:
    """The day an intake counts on: its ``taken`` day, else the attack's start day."""
    moment = intake.taken if intake.taken is not None else attack.start
    return local_day(moment, tz)


def day_range(first: date, last: date) -> Iterator[date]:
    """Every day from ``first`` to ``last``, both included (nothing when last < first)."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def is_twitching_attack(attack: Attack) -> bool:
    """An attack with a twitching entry or ``muscle-twitching`` among its symptoms."""
    return bool(attack.twitching) or "muscle-twitching" in attack.symptoms


class AttackDays(NamedTuple):
    """The calendar days of one attack, worked out once and read by every figure.

    A named tuple rather than a frozen dataclass: a diary has one per attack, and a named
    tuple is made in less than half the time, which an index of 10,000 attacks notices.
    """

    attack: Attack
    first: date  # start day
    last: date  # last day touched
    intake_days: tuple[date, ...]  # one per intake, in the attack's order
    #: :func:`is_twitching_attack`, read by the day table and three twitching figures
    twitching: bool


def index_attacks(attacks: Iterable[Attack], tz: tzinfo) -> list[AttackDays]:
    """:class:`AttackDays` of each attack, in the given order.

    An intake without ``taken`` counts on the start day (:func:`intake_day`); the others
    are converted here, once, and every pass reads the result.
    """
    index = []
    for attack in attacks:
        first, last = attack_span(attack, tz)
        meds = attack.medications
        intakes: tuple[date, ...] = ()
        if meds:
            intakes = tuple([first if i.taken is None else local_day(i.taken, tz) for i in meds])
        index.append(AttackDays(attack, first, last, intakes, is_twitching_attack(attack)))
    return index


def natural_period(
    diary: Diary, index: Sequence[AttackDays] | None = None
) -> tuple[date, date] | None:
    """First and last day touched by any attack, intake or daily entry; None if none.

    ``index`` is the diary's :func:`index_attacks`, when the caller has it already.
    """
    if index is None:
        index = index_attacks(diary.attacks, diary.patient.tz)
    entries = [d.date for d in diary.days]
    intakes = [day for item in index for day in item.intake_days]
    if not entries and not index:
        return None
    # The ends of the period are the extremes over every day any record touches.
    lows = [*entries, *intakes, *(item.first for item in index)]
    highs = [*entries, *intakes, *(item.last for item in index)]
    return min(lows), max(highs)


def resolve_period(
    diary: Diary,
    start: date | None,
    end: date | None,
    index: Sequence[AttackDays] | None = None,
) -> tuple[date, date] | None:
    """The period to count over: the given bounds, the natural ones filling the gaps.

    With only one bound given, the other comes from the diary (or equals the given one when
    the diary has nothing on that side). Bounds in the wrong order raise
    :class:`~fhirmig.errors.UsageError`.
    """
    if start is not None and end is not None:
        if end < start:
            raise UsageError(f"the period ends ({end}) before it starts ({start})")
        return start, end
    natural = natural_period(diary, index)
    if start is not None:
        return start, max(natural[1], start) if natural else start
    if end is not None:
        return (min(natural[0], end) if natural else end), end
    return natural


def month_key(day: date) -> str:
    """``YYYY-MM`` of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_spans(first: date, last: date) -> list[tuple[str, date, date, bool]]:
    """The calendar months the period meets: (``YYYY-MM``, first day, last day inside the
    period, whether the whole month lies inside the period)."""
    spans: list[tuple[str, date, date, bool]] = []
    month_start = date(first.year, first.month, 1)
    while month_start <= last:
        month_end = _next_month(month_start) - ONE_DAY
        lo, hi = max(month_start, first), min(month_end, last)
        spans.append((month_key(month_start), lo, hi, lo == month_start and hi == month_end))
        month_start = _next_month(month_start)
    return spans

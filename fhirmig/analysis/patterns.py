"""Patterns in the attacks: muscle twitching, reported triggers, and exposures.

Twitching is counted per attack (an attack with a twitching entry or with
``muscle-twitching`` among its symptoms) and per episode (each twitching entry; an attack
that names the symptom without any entry counts as one episode of unknown site and onset).

Triggers are counted once per attack that names them. An exposure is judged on the day
before: the attack rate on days that follow an exposed day (sleep under 6 hours, stress 7
or more, caffeine above the patient's median) is set against the rate on days that follow
an unexposed day, as a rate ratio with a 95% interval by the log method (Katz). Below
:data:`MIN_DAYS` exposed or unexposed days, or without an attack day in each group (the log
interval needs one), the figures say "not enough data" instead of giving a number that
would look more certain than it is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from statistics import median

from fhirmig.analysis.days import ONE_DAY, AttackDays, attack_end, local_day, month_key
from fhirmig.analysis.output import round_half_up
from fhirmig.analysis.twitch_triggers import TriggerTally
from fhirmig.analysis.types import (
    ExposureFigures,
    TriggerFigures,
    TwitchDescription,
    TwitchingFigures,
)
from fhirmig.diary.model import Attack, DayEntry, Twitch

__all__ = [
    "MIN_DAYS",
    "ONSET_KEYS",
    "SHORT_SLEEP_HOURS",
    "STRESS_HIGH",
    "Z_95",
    "exposure_figures",
    "rate_ratio",
    "trigger_figures",
    "twitch_onset",
    "twitching_figures",
]

#: Onset of a twitching episode relative to its attack, in the order the figures list it.
ONSET_KEYS: tuple[str, ...] = ("before", "during", "after", "unknown")


def twitch_onset(twitch: Twitch, attack: Attack) -> str:
    """``before`` the attack's start, ``during`` it, ``after`` its end, or ``unknown``."""
    return _onset(twitch.start, attack.start, attack_end(attack))


def _onset(moment: datetime | None, start: datetime, end: datetime | None) -> str:
    """:func:`twitch_onset` of a twitch at ``moment``, the attack's end worked out once."""
    if moment is None:
        return "unknown"
    if moment < start:
        return "before"
    if end is not None and moment > end:
        return "after"
    return "during"


def _mean(total: int, count: int) -> float | None:
    """The mean of ``count`` values summing to ``total``, to 1 decimal (None for none)."""
    return round_half_up(total / count, 1) if count else None


def _per_month(days: Sequence[date]) -> dict[str, int]:
    """How many of ``days`` fall in each calendar month, by ``YYYY-MM`` in order."""
    months: Counter[tuple[int, int]] = Counter()
    for day, n in Counter(days).items():
        months[day.year, day.month] += n
    # (year, month) sorts as its YYYY-MM key does.
    return {month_key(date(y, m, 1)): n for (y, m), n in sorted(months.items())}


def twitching_figures(items: Sequence[AttackDays], tz: tzinfo) -> TwitchingFigures:
    """The twitching figures of the attacks of the period (their index, in time order).

    An episode counts in the month of its start, else of its attack's start day.
    """
    with_twitch = 0
    peak_with = peak_without = 0  # sums of the intensities, for the means
    sites: list[str] = []  # each site once per attack
    onset: Counter[str] = Counter(dict.fromkeys(ONSET_KEYS, 0))
    episode_days: list[date] = []
    descriptions: list[TwitchDescription] = []
    for item in items:
        attack = item.attack
        if not item.twitching:
            peak_without += attack.intensity
            continue
        with_twitch += 1
        peak_with += attack.intensity
        if not attack.twitching:
            onset["unknown"] += 1
            episode_days.append(item.first)
            continue
        sites.extend({t.location for t in attack.twitching})
        end = attack_end(attack)
        for twitch in attack.twitching:
            onset[_onset(twitch.start, attack.start, end)] += 1
            day = item.first if twitch.start is None else local_day(twitch.start, tz)
            episode_days.append(day)
            descriptions.append(
                TwitchDescription(
                    attack_id=attack.id,
                    day=day,
                    location=twitch.location,
                    description=twitch.description,
                    intensity=twitch.intensity,
                )
            )
    by_site = Counter(sites)
    total = len(items)
    return TwitchingFigures(
        attacks_with=with_twitch,
        attacks_total=total,
        share=with_twitch / total if total else None,
        by_site=dict(sorted(by_site.items(), key=lambda kv: (-kv[1], kv[0]))),
        onset={key: onset[key] for key in ONSET_KEYS},
        mean_peak_with=_mean(peak_with, with_twitch),
        mean_peak_without=_mean(peak_without, total - with_twitch),
        episodes_per_month=_per_month(episode_days),
        descriptions=tuple(descriptions),
    )


#: Fewest exposed and fewest unexposed days for which a ratio is given.
MIN_DAYS = 5
SHORT_SLEEP_HOURS = 6.0
STRESS_HIGH = 7
Z_95 = 1.959963984540054


def trigger_figures(tally: TriggerTally) -> tuple[TriggerFigures, ...]:
    """Each trigger named by the period's attacks, with how many attacks name it, most
    often first."""
    return tuple(
        TriggerFigures(trigger=name, attacks=n, share=n / tally.attacks)
        for name, n in sorted(tally.listing.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def rate_ratio(
    exposed_events: int, exposed_days: int, unexposed_events: int, unexposed_days: int
) -> tuple[float, float, float]:
    """Risk ratio of two proportions with its 95% interval (log method); all counts > 0."""
    ratio = (exposed_events / exposed_days) / (unexposed_events / unexposed_days)
    se = math.sqrt(
        1 / exposed_events - 1 / exposed_days + 1 / unexposed_events - 1 / unexposed_days
    )
    return ratio, ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se)


@dataclass(frozen=True, slots=True)
class _Factor:
    name: str
    definition: str
    value: Callable[[DayEntry], float | None]


def _factors(entries: Sequence[DayEntry]) -> list[tuple[_Factor, Callable[[float], bool]]]:
    caffeine = [e.caffeine_mg for e in entries if e.caffeine_mg is not None]
    caffeine_median = median(caffeine) if caffeine else 0.0
    return [
        (
            _Factor("short-sleep", "sleep under 6 hours the day before", lambda e: e.sleep_hours),
            lambda v: v < SHORT_SLEEP_HOURS,
        ),
        (
            _Factor(
                "high-stress",
                "stress 7 or more (0-10) the day before",
                lambda e: None if e.stress is None else float(e.stress),
            ),
            lambda v: v >= STRESS_HIGH,
        ),
        (
            _Factor(
                "high-caffeine",
                f"caffeine above the patient's median ({caffeine_median:g} mg) the day before",
                lambda e: e.caffeine_mg,
            ),
            lambda v: v > caffeine_median,
        ),
    ]


def exposure_figures(
    entries: Sequence[DayEntry], attack_days: set[date], first: date, last: date
) -> tuple[ExposureFigures, ...]:
    """Exposure figures for the days of ``first``..``last`` whose previous day has an entry.

    ``attack_days`` are the days on which an attack starts. Nothing is returned without
    daily entries.
    """
    by_date = {e.date: e for e in entries}
    used = [by_date[d - ONE_DAY] for d in _days_with_previous(by_date, first, last)]
    if not used:
        return ()
    figures = []
    for factor, exposed in _factors(used):
        n1 = a1 = n0 = a0 = 0
        for entry in used:
            value = factor.value(entry)
            if value is None:
                continue
            attack = (entry.date + ONE_DAY) in attack_days
            if exposed(value):
                n1, a1 = n1 + 1, a1 + attack
            else:
                n0, a0 = n0 + 1, a0 + attack
        enough = n1 >= MIN_DAYS and n0 >= MIN_DAYS and a1 > 0 and a0 > 0
        ratio = low = high = None
        if enough:
            ratio, low, high = rate_ratio(a1, n1, a0, n0)
        figures.append(
            ExposureFigures(
                factor=factor.name,
                definition=factor.definition,
                exposed_days=n1,
                exposed_attack_days=a1,
                unexposed_days=n0,
                unexposed_attack_days=a0,
                enough_data=enough,
                ratio=ratio,
                ci_low=low,
                ci_high=high,
            )
        )
    return tuple(figures)


def _days_with_previous(by_date: dict[date, DayEntry], first: date, last: date) -> list[date]:
    return sorted(d + ONE_DAY for d in by_date if first <= d + ONE_DAY <= last)

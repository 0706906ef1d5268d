"""Twitching and triggers: is twitching more frequent in the attacks that list a trigger?

The question a twitching patient asks ("caffeine or additives exacerbate my twitching"),
answered as a risk ratio over the attacks of the period. For each trigger the attacks
are split into those listing it (a with twitching, b without) and the others (c with
twitching, d without); the risk ratio (a / (a + b)) / (c / (c + d)) gets the
Haldane-Anscombe correction (0.5 added to every cell when one is 0), so a trigger that
comes with every twitching attack still has a finite ratio, and the 95% interval is the
log (Katz) interval with z = 1.96. With fewer than 5 attacks on either side there is
not enough data to show a ratio; an association is never a cause.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from fhirmig.analysis.days import AttackDays
from fhirmig.analysis.output import round_exact, round_half_up
from fhirmig.analysis.types import TwitchingTrigger

__all__ = [
    "ENOUGH_ATTACKS",
    "Z_KATZ",
    "TriggerTally",
    "katz_risk_ratio",
    "tally_triggers",
    "twitching_triggers",
]

#: ``enough_data`` needs at least this many attacks with and without the trigger.
ENOUGH_ATTACKS = 5
#: The normal quantile of the contract's 95% interval.
Z_KATZ = 1.96
_HALF = Fraction(1, 2)


def katz_risk_ratio(a: int, b: int, c: int, d: int) -> tuple[Fraction, float, float]:
    """The exact risk ratio of the 2x2 table and its unrounded 95% log interval.

    ``a``/``b``: exposed with/without the outcome; ``c``/``d``: unexposed. With a zero cell
    0.5 is added to all four (Haldane-Anscombe). Needs a + b > 0 and c + d > 0.
    """
    cells = [Fraction(x) for x in (a, b, c, d)]
    if 0 in (a, b, c, d):
        cells = [x + _HALF for x in cells]
    ca, cb, cc, cd = cells
    ratio = (ca / (ca + cb)) / (cc / (cc + cd))
    se = math.sqrt(float(1 / ca - 1 / (ca + cb) + 1 / cc - 1 / (cc + cd)))
    log_ratio = math.log(ratio)
    return ratio, math.exp(log_ratio - Z_KATZ * se), math.exp(log_ratio + Z_KATZ * se)


@dataclass(frozen=True, slots=True)
class TriggerTally:
    """How many attacks of the period list each trigger, and how many of those twitch.

    Counted once by :func:`tally_triggers` and read by both trigger figures (the trigger
    list of ``fhirmig stats`` and the twitching risk ratios).
    """

    attacks: int  # attacks of the period
    twitching: int  # twitching attacks of the period
    listing: Counter[str]  # per trigger: attacks listing it (each attack once)
    listing_twitching: Counter[str]  # per trigger: twitching attacks listing it


def tally_triggers(items: Sequence[AttackDays]) -> TriggerTally:
    """The :class:`TriggerTally` of the period's attacks (their index)."""
    # Attacks mostly repeat a few trigger lists: count each list once, then spread it.
    by_list: dict[tuple[str, ...], list[int]] = {}
    for item in items:
        key = tuple(item.attack.triggers)
        cell = by_list.get(key)
        if cell is None:
            cell = by_list[key] = [0, 0]
        cell[0] += 1
        cell[1] += item.twitching
    listing: Counter[str] = Counter()
    listing_twitching: Counter[str] = Counter()
    twitching_total = 0
    for key, (n, twitching) in by_list.items():
        twitching_total += twitching
        for name in set(key):
            listing[name] += n
            listing_twitching[name] += twitching
    return TriggerTally(len(items), twitching_total, listing, listing_twitching)


def twitching_triggers(tally: TriggerTally) -> tuple[TwitchingTrigger, ...]:
    """One :class:`TwitchingTrigger` per trigger listed by any attack of the period, sorted
    by the trigger text in code-point order; free text is kept as written."""
    listing, listing_twitching = tally.listing, tally.listing_twitching
    total, twitching_total = tally.attacks, tally.twitching
    out = []
    for name in sorted(listing):
        with_n, a = listing[name], listing_twitching[name]
        without_n, c = total - with_n, twitching_total - a
        ratio: float | None = None
        ci: tuple[float, float] | None = None
        associated = False
        enough = with_n >= ENOUGH_ATTACKS and without_n >= ENOUGH_ATTACKS
        if with_n and without_n:
            exact, low, high = katz_risk_ratio(a, with_n - a, c, without_n - c)
            ratio = round_exact(exact, 2)
            ci = (round_half_up(low, 2), round_half_up(high, 2))
            associated = enough and low > 1
        out.append(
            TwitchingTrigger(
                trigger=name,
                with_trigger=with_n,
                with_twitching=a,
                without_trigger=without_n,
                without_twitching=c,
                risk_ratio=ratio,
                ci95=ci,
                enough_data=enough,
                associated=associated,
            )
        )
    return tuple(out)

"""Muscle twitching across the attacks of a period: how often, where, when, how strong.

Twitching is counted per attack (an attack with a twitching entry or with
``muscle-twitching`` among its symptoms) and per episode (each twitching entry; an attack
that names the symptom without any entry counts as one episode of unknown site and onset).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import tzinfo

from fhirmig.analysis.counts import is_twitching_attack
from fhirmig.analysis.days import attack_end, local_day, month_key
from fhirmig.analysis.types import TwitchDescription, TwitchingFigures
from fhirmig.diary.model import Attack, Twitch

__all__ = ["ONSET_KEYS", "twitch_onset", "twitching_figures"]

#: Onset of a twitching episode relative to its attack, in the order the figures list it.
ONSET_KEYS: tuple[str, ...] = ("before", "during", "after", "unknown")


def twitch_onset(twitch: Twitch, attack: Attack) -> str:
    """``before`` the attack's start, ``during`` it, ``after`` its end, or ``unknown``."""
    if twitch.start is None:
        return "unknown"
    if twitch.start < attack.start:
        return "before"
    end = attack_end(attack)
    if end is not None and twitch.start > end:
        return "after"
    return "during"


def _mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def twitching_figures(attacks: Sequence[Attack], tz: tzinfo) -> TwitchingFigures:
    """The twitching figures of ``attacks`` (those of the period, in time order)."""
    with_twitch = [a for a in attacks if is_twitching_attack(a)]
    by_site: Counter[str] = Counter()
    onset: Counter[str] = Counter(dict.fromkeys(ONSET_KEYS, 0))
    per_month: Counter[str] = Counter()
    descriptions: list[TwitchDescription] = []
    for attack in with_twitch:
        for site in dict.fromkeys(t.location for t in attack.twitching):
            by_site[site] += 1
        if not attack.twitching:
            onset["unknown"] += 1
            per_month[month_key(local_day(attack.start, tz))] += 1
            continue
        for twitch in attack.twitching:
            onset[twitch_onset(twitch, attack)] += 1
            day = local_day(twitch.start or attack.start, tz)
            per_month[month_key(day)] += 1
            descriptions.append(
                TwitchDescription(
                    attack_id=attack.id,
                    day=day,
                    location=twitch.location,
                    description=twitch.description,
                    intensity=twitch.intensity,
                )
            )
    total = len(attacks)
    twitching_ids = {a.id for a in with_twitch}
    return TwitchingFigures(
        attacks_with=len(with_twitch),
        attacks_total=total,
        share=round(len(with_twitch) / total, 4) if total else None,
        by_site=dict(sorted(by_site.items(), key=lambda kv: (-kv[1], kv[0]))),
        onset={key: onset[key] for key in ONSET_KEYS},
        mean_peak_with=_mean([a.intensity for a in with_twitch]),
        mean_peak_without=_mean([a.intensity for a in attacks if a.id not in twitching_ids]),
        episodes_per_month=dict(sorted(per_month.items())),
        descriptions=tuple(descriptions),
    )

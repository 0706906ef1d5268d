"""The attack profile of page one: how long, how strong, how often with aura, how disabling.

These are descriptive summaries of the attacks of the period (the attacks whose start day
lies in it, as everywhere in the report), computed from the same attacks the attack log
lists. Medians use the middle value (the mean of the two middle values for an even
count); intensities are the attacks' recorded 0-10 scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from fhirmig.diary.model import Attack

__all__ = ["INTENSITY_BANDS", "AttackProfile", "attack_profile", "duration_text"]

#: (name, lowest, highest) of the intensity bands the profile counts
INTENSITY_BANDS: tuple[tuple[str, int, int], ...] = (
    ("mild", 1, 3),
    ("moderate", 4, 6),
    ("severe", 7, 10),
)
DISABLING = frozenset({"moderate", "severe"})


@dataclass(frozen=True, slots=True)
class AttackProfile:
    """Descriptive figures of the attacks of a period."""

    attacks: int
    timed: int  # attacks with a known duration
    duration_median: timedelta | None
    duration_min: timedelta | None
    duration_max: timedelta | None
    intensity_median: float | None
    intensity_min: int | None
    intensity_max: int | None
    bands: dict[str, int]  # INTENSITY_BANDS name -> attacks; intensity 0 is in none
    with_aura: int  # attacks with aura: true (aura-only attacks included)
    aura_only: int
    disability_recorded: int
    disabling: int  # disability moderate or severe


def attack_profile(attacks: Sequence[Attack]) -> AttackProfile:
    """The profile of ``attacks`` (already limited to the period)."""
    durations = sorted(d for d in (a.duration for a in attacks) if d is not None)
    scores = sorted(a.intensity for a in attacks)
    bands = {
        name: sum(1 for s in scores if low <= s <= high) for name, low, high in INTENSITY_BANDS
    }
    recorded = [a.disability for a in attacks if a.disability is not None]
    middle = None
    if durations:
        seconds = median(d.total_seconds() for d in durations)
        middle = timedelta(seconds=round(seconds))
    return AttackProfile(
        attacks=len(attacks),
        timed=len(durations),
        duration_median=middle,
        duration_min=durations[0] if durations else None,
        duration_max=durations[-1] if durations else None,
        intensity_median=float(median(scores)) if scores else None,
        intensity_min=scores[0] if scores else None,
        intensity_max=scores[-1] if scores else None,
        bands=bands,
        with_aura=sum(1 for a in attacks if a.aura or a.kind == "aura-only"),
        aura_only=sum(1 for a in attacks if a.kind == "aura-only"),
        disability_recorded=len(recorded),
        disabling=sum(1 for d in recorded if d in DISABLING),
    )


def duration_text(length: timedelta | None) -> str:
    """A duration for print: ``45 min``, ``4 h``, ``4 h 30``, ``2.5 d`` (48 hours or more)."""
    from fhirmig.report.i18n import _, fmt_decimal

    if length is None:
        return "–"
    minutes = int(length.total_seconds() // 60)
    if minutes >= 48 * 60:
        return _("{days} d").format(days=fmt_decimal(minutes / 1440))
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    if minutes % 60:
        return _("{hours} h {minutes:02d}").format(hours=minutes // 60, minutes=minutes % 60)
    return _("{hours} h").format(hours=minutes // 60)

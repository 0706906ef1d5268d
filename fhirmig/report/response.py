"""Treatment response: a preventive's effect, baseline against weeks 9-12, for page one,
its own section, and the payer's attack log of those windows."""

from __future__ import annotations

from collections.abc import Sequence

from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Attack, Diary

__all__ = ["review_attacks"]


def review_attacks(
    diary: Diary, stats: Stats, attacks: Sequence[Attack]
) -> tuple[list[Attack], str]:
    """The attacks a payer's review reads, and words for them (all attacks of the period
    when the diary has no treatment-response window)."""
    del diary, stats
    return list(attacks), "of the period"

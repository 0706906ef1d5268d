"""The period a figure or report covers, and a warning when it holds none of the diary."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from fhirmig.wording import plural

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = ["period_warning", "plural"]


def period_warning(diary: Diary, start: date | None, end: date | None) -> str | None:
    """A warning when ``start``..``end`` does not meet the days the diary speaks of.

    Without a bound, the period is the diary's own span and always meets it. The figures
    of such a period are all zero, which a reader could take for a good month.
    """
    if start is None and end is None:
        return None
    from fhirmig.analysis.days import natural_period

    span = natural_period(diary)
    if span is None:
        return "the diary holds no attacks, intakes or daily entries; every figure is 0"
    first, last = span
    if (start is not None and start > last) or (end is not None and end < first):
        return (
            f"the period asked for holds no diary data (the diary runs from "
            f"{first.isoformat()} to {last.isoformat()}); every figure is 0"
        )
    return None

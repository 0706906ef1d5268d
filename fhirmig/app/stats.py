"""The clinical figures of one input, as the table or the JSON object of the contract."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from fhirmig.app.inputs import open_diary
from fhirmig.app.period import period_warning

if TYPE_CHECKING:
    from fhirmig.analysis.types import Stats

__all__ = ["Figures", "compute_figures"]


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of a diary and how to show them; ``warnings`` are for standard error."""

    stats: Stats
    warnings: tuple[str, ...] = ()

    def to_json_text(self) -> str:
        """The ``stats --json`` object, indented."""
        import orjson

        from fhirmig.analysis import stats_to_json

        return orjson.dumps(stats_to_json(self.stats), option=orjson.OPT_INDENT_2).decode()

    def to_table(self) -> str:
        """The figures as the plain-text table."""
        from fhirmig.analysis import format_stats_table

        return format_stats_table(self.stats)


def compute_figures(
    source: str | os.PathLike[str],
    *,
    start: date | None = None,
    end: date | None = None,
    migraine_day: Literal["diary", "ichd"] = "diary",
    compare_previous: bool = False,
    patient_id: str | None = None,
    timezone: str | None = None,
) -> Figures:
    """Open ``source`` (any diary input) and compute its figures over ``start``..``end``."""
    from fhirmig.analysis import compute_stats

    diary = open_diary(source, command="stats", patient_id=patient_id, timezone=timezone)
    figures = compute_stats(
        diary, start=start, end=end, migraine_day=migraine_day, compare_previous=compare_previous
    )
    warning = period_warning(diary, start, end)
    return Figures(figures, (warning,) if warning else ())

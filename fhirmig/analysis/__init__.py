"""Stage 2 of the pipeline: the clinical figures of a diary, as pure functions (no I/O).

>>> from fhirmig.analysis import compute_stats, stats_to_json
>>> stats = compute_stats(diary, migraine_day="diary")  # doctest: +SKIP
>>> stats_to_json(stats)["headache_days"]  # doctest: +SKIP

The definitions are in docs/clinical-definitions.md; the day logic (time zones, DST,
attacks over midnight) lives in :mod:`fhirmig.analysis.days`.
"""

from fhirmig.analysis.compute import MIGRAINE_DAY_DEFINITIONS, compute_stats
from fhirmig.analysis.output import (
    NOT_ENOUGH_DATA,
    format_stats_table,
    per_28_days,
    round_half_up,
    stats_to_json,
)
from fhirmig.analysis.types import (
    CLASS_KEYS,
    ICHD_CLASS_KEYS,
    DayFigures,
    ExposureFigures,
    MedicationFigures,
    MonthFigures,
    QuestionnaireFigures,
    ReliefFigures,
    Stats,
    ThresholdRun,
    TriggerFigures,
    TwitchDescription,
    TwitchingFigures,
)

__all__ = [
    "CLASS_KEYS",
    "ICHD_CLASS_KEYS",
    "MIGRAINE_DAY_DEFINITIONS",
    "NOT_ENOUGH_DATA",
    "DayFigures",
    "ExposureFigures",
    "MedicationFigures",
    "MonthFigures",
    "QuestionnaireFigures",
    "ReliefFigures",
    "Stats",
    "ThresholdRun",
    "TriggerFigures",
    "TwitchDescription",
    "TwitchingFigures",
    "compute_stats",
    "format_stats_table",
    "per_28_days",
    "round_half_up",
    "stats_to_json",
]

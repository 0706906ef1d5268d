"""Stage 2 of the pipeline: the clinical figures of a diary, as pure functions (no I/O).

>>> from fhirmig.analysis import compute_stats, stats_to_json
>>> stats = compute_stats(diary, migraine_day="diary")  # doctest: +SKIP
>>> stats_to_json(stats)["headache_days"]  # doctest: +SKIP

The definitions are in docs/clinical-definitions.md; the day logic (time zones, DST,
attacks over midnight) lives in :mod:`fhirmig.analysis.days`.
"""

from fhirmig.analysis.compute import MIGRAINE_DAY_DEFINITIONS, compute_stats
from fhirmig.analysis.menstrual import MIN_CYCLES, cycle_starts
from fhirmig.analysis.output import (
    NOT_ENOUGH_DATA,
    per_28_days,
    round_exact,
    round_half_up,
    stats_to_json,
)
from fhirmig.analysis.response import (
    MIN_RECORDED_DAYS,
    RESPONSE_TYPES,
    treatment_start,
)
from fhirmig.analysis.table import format_stats_table
from fhirmig.analysis.twitch_triggers import ENOUGH_ATTACKS, katz_risk_ratio
from fhirmig.analysis.types import (
    CLASS_KEYS,
    ICHD_CLASS_KEYS,
    MENSTRUAL_PATTERNS,
    RESPONSE_REASONS,
    CoverageFigures,
    DayFigures,
    ExposureFigures,
    MedicationFigures,
    MenstrualFigures,
    MonthFigures,
    QuestionnaireFigures,
    ReliefFigures,
    ResponseWindow,
    Stats,
    ThresholdRun,
    TreatmentResponse,
    TriggerFigures,
    TwitchDescription,
    TwitchingFigures,
    TwitchingTrigger,
)

__all__ = [
    "CLASS_KEYS",
    "ENOUGH_ATTACKS",
    "ICHD_CLASS_KEYS",
    "MENSTRUAL_PATTERNS",
    "MIGRAINE_DAY_DEFINITIONS",
    "MIN_CYCLES",
    "MIN_RECORDED_DAYS",
    "NOT_ENOUGH_DATA",
    "RESPONSE_REASONS",
    "RESPONSE_TYPES",
    "CoverageFigures",
    "DayFigures",
    "ExposureFigures",
    "MedicationFigures",
    "MenstrualFigures",
    "MonthFigures",
    "QuestionnaireFigures",
    "ReliefFigures",
    "ResponseWindow",
    "Stats",
    "ThresholdRun",
    "TreatmentResponse",
    "TriggerFigures",
    "TwitchDescription",
    "TwitchingFigures",
    "TwitchingTrigger",
    "compute_stats",
    "cycle_starts",
    "format_stats_table",
    "katz_risk_ratio",
    "per_28_days",
    "round_exact",
    "round_half_up",
    "stats_to_json",
    "treatment_start",
]

"""The figures fhirmig computes from a diary, as typed, immutable values.

:class:`Stats` is what :func:`fhirmig.analysis.compute_stats` returns and what the report,
the FHIR summary Observations and ``fhirmig stats`` all read, so a figure means the same
thing everywhere. ``Stats.to_json()`` gives the object of the ``fhirmig stats --json``
contract (docs/clinical-definitions.md) plus the extended keys listed there.

The ICHD-3 class keys are those of the contract: ``triptan``, ``ergot``, ``opioid``,
``combination_analgesic``, ``non_opioid_analgesic`` and ``other_acute``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = [
    "CLASS_KEYS",
    "ICHD_CLASS_KEYS",
    "MENSTRUAL_PATTERNS",
    "RESPONSE_REASONS",
    "CoverageFigures",
    "DayFigures",
    "ExposureFigures",
    "MedicationFigures",
    "MenstrualFigures",
    "MenstrualPattern",
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
]

#: Class keys of ``class_days``, in the order of the contract.
CLASS_KEYS: tuple[str, ...] = (
    "triptan",
    "ergot",
    "opioid",
    "combination_analgesic",
    "non_opioid_analgesic",
    "other_acute",
)
#: The classes ICHD-3 8.2 sets overuse thresholds for (``other_acute`` is not one).
ICHD_CLASS_KEYS: tuple[str, ...] = CLASS_KEYS[:5]

MigraineDayDefinition = Literal["diary", "ichd"]
MenstrualPattern = Literal["not-judged", "pure-menstrual", "menstrually-related", "none"]
#: The values of ``MenstrualFigures.pattern``.
MENSTRUAL_PATTERNS: tuple[str, ...] = (
    "not-judged",
    "pure-menstrual",
    "menstrually-related",
    "none",
)
#: Why a treatment response cannot be assessed, in the order the rules are tried.
RESPONSE_REASONS: tuple[str, ...] = (
    "baseline outside the period",
    "assessment outside the period",
    "ended before the assessment",
    "too few recorded days in the baseline",
    "too few recorded days in the assessment",
)


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One calendar day of the period, in the patient's zone (the report's calendar cell)."""

    day: date
    headache: bool
    migraine: bool
    aura: bool
    #: highest intensity of the attacks touching the day (aura-only included), None if none
    peak_intensity: int | None
    #: class keys (CLASS_KEYS) of acute medication taken that day
    classes: frozenset[str]
    acute_medication: bool
    twitching: bool
    attack_ids: tuple[str, ...]
    #: an attack touches the day, an intake falls on it, or the diary has an entry for it
    recorded: bool = False
    #: the day's entry says ``headacheFree: true``
    headache_free: bool = False


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One calendar month (or the part of it inside the period)."""

    month: str  # YYYY-MM
    days: int  # days of this month inside the period
    complete: bool  # the whole month lies inside the period (only then is it judged)
    headache_days: int
    migraine_days: int
    acute_medication_days: int
    class_days: dict[str, int]
    overuse_threshold_reached: bool
    chronic_frequency_reached: bool
    #: which rules made overuse reached: class keys, or "multiple_classes"
    overuse_reasons: tuple[str, ...] = ()
    #: days of this month (inside the period) that are recorded (see CoverageFigures)
    recorded_days: int = 0


@dataclass(frozen=True, slots=True)
class ThresholdRun:
    """Months in which a threshold check was reached, and the longest run of consecutive ones."""

    months_reached: tuple[str, ...]
    longest_run: int


@dataclass(frozen=True, slots=True)
class TwitchDescription:
    """A twitching entry in the patient's words, for the report."""

    attack_id: str
    day: date
    location: str
    description: str | None
    intensity: int | None


@dataclass(frozen=True, slots=True)
class TwitchingFigures:
    """Muscle twitching across the attacks of the period."""

    attacks_with: int
    attacks_total: int
    share: float | None  # attacks_with / attacks_total, None without attacks
    by_site: dict[str, int]  # site -> attacks with twitching there
    onset: dict[str, int]  # "before" / "during" / "unknown" -> twitching entries
    mean_peak_with: float | None  # mean peak intensity of attacks with twitching
    mean_peak_without: float | None
    episodes_per_month: dict[str, int]  # YYYY-MM -> twitching entries
    descriptions: tuple[TwitchDescription, ...]


@dataclass(frozen=True, slots=True)
class TriggerFigures:
    """How often one suspected trigger was reported."""

    trigger: str
    attacks: int
    share: float  # of the attacks in the period


@dataclass(frozen=True, slots=True)
class ExposureFigures:
    """Attack rate on days after an exposure (from daily entries) against days without."""

    factor: str  # "short-sleep" | "high-stress" | "high-caffeine"
    definition: str  # in words, e.g. "sleep under 6 hours the day before"
    exposed_days: int
    exposed_attack_days: int
    unexposed_days: int
    unexposed_attack_days: int
    enough_data: bool
    ratio: float | None = None  # rate ratio exposed / unexposed
    ci_low: float | None = None  # 95% interval
    ci_high: float | None = None


@dataclass(frozen=True, slots=True)
class MedicationFigures:
    """Effect of one catalogue medication over its intakes in the period."""

    medication_id: str
    name: str
    drug_class: str
    intakes: int
    rated: int  # intakes with a relief rating
    good_or_complete: int
    good_or_complete_share: float | None  # of rated intakes
    median_minutes_to_intake: float | None  # from attack start, intakes with a time


@dataclass(frozen=True, slots=True)
class ReliefFigures:
    """Uses of one non-drug relief method and their reported effect."""

    method: str
    uses: int
    effects: dict[str, int]  # none / some / good / complete / unrated -> uses


@dataclass(frozen=True, slots=True)
class QuestionnaireFigures:
    """One MIDAS or HIT-6 result with its grade band."""

    instrument: str
    date: date
    score: int
    grade: str  # MIDAS "I".."IV"; HIT-6 band label
    band: str  # words: "severe disability", "substantial impact", ...


@dataclass(frozen=True, slots=True)
class CoverageFigures:
    """How much of the period the diary covers: a day is recorded when an attack touches
    it, an intake falls on it, or the diary has a ``days`` entry for it."""

    recorded_days: int
    days: int
    share: float  # recorded_days / days, rounded half up to 3 decimals; 0.0 without days


@dataclass(frozen=True, slots=True)
class ResponseWindow:
    """The baseline or assessment window of a treatment response."""

    first: date  # JSON "from"
    last: date  # JSON "to"
    inside: bool  # the window lies wholly inside the period (else every count is None)
    recorded_days: int | None
    migraine_days: int | None
    headache_days: int | None
    acute_medication_days: int | None


@dataclass(frozen=True, slots=True)
class TreatmentResponse:
    """A preventive's or botulinum toxin's effect: baseline against weeks 9-12."""

    treatment: str  # the treatments entry's id
    type: str  # "preventive-medication" | "botulinum-toxin"
    name: str | None  # the entry's name, for display
    start: date  # its start, or for botulinum toxin without one the earliest session
    assessable: bool
    reason: str | None  # one of RESPONSE_REASONS; None when assessable
    baseline: ResponseWindow
    assessment: ResponseWindow
    migraine_day_reduction_percent: float | None  # rounded half up to 1 decimal
    responder: dict[str, bool] | None  # "50" / "75" / "100" -> reached (on the exact value)


@dataclass(frozen=True, slots=True)
class MenstrualFigures:
    """Migraine days against menstrual cycles (ICHD-3 A1.1.1 and A1.1.2)."""

    cycles: int  # counted cycles: window wholly inside the period
    cycles_with_migraine: int
    migraine_days_outside_windows: int
    pattern: MenstrualPattern
    cycle_starts: tuple[date, ...] = ()  # every cycle start of the diary, counted or not
    counted_starts: tuple[date, ...] = ()  # the starts of the counted cycles


@dataclass(frozen=True, slots=True)
class TwitchingTrigger:
    """Twitching attacks with and without one trigger, as a risk ratio."""

    trigger: str
    with_trigger: int  # JSON "with": attacks listing the trigger
    with_twitching: int
    without_trigger: int  # JSON "without"
    without_twitching: int
    risk_ratio: float | None  # rounded half up to 2 decimals
    ci95: tuple[float, float] | None  # each end rounded half up to 2 decimals
    enough_data: bool
    #: the unrounded lower bound of the interval lies above 1 (and there is enough data)
    associated: bool = False


_EMPTY_COVERAGE = CoverageFigures(recorded_days=0, days=0, share=0.0)
_NO_CYCLES = MenstrualFigures(
    cycles=0, cycles_with_migraine=0, migraine_days_outside_windows=0, pattern="not-judged"
)


@dataclass(frozen=True, slots=True)
class Stats:
    """Every figure of one period of one diary."""

    period_from: date | None
    period_to: date | None
    days_in_period: int
    migraine_day: MigraineDayDefinition
    timezone: str
    attacks: int
    headache_days: int
    migraine_days: int
    acute_medication_days: int
    class_days: dict[str, int]
    per_28_days: dict[str, float]
    twitching_attacks: int
    months: tuple[MonthFigures, ...]
    overuse: ThresholdRun
    chronic_frequency: ThresholdRun
    day_table: tuple[DayFigures, ...] = ()
    twitching: TwitchingFigures | None = None
    triggers: tuple[TriggerFigures, ...] = ()
    exposures: tuple[ExposureFigures, ...] = ()
    medication_effect: tuple[MedicationFigures, ...] = ()
    relief_methods: tuple[ReliefFigures, ...] = ()
    questionnaires: tuple[QuestionnaireFigures, ...] = ()
    previous: Stats | None = field(default=None)
    coverage: CoverageFigures = _EMPTY_COVERAGE
    headache_free_days: int = 0
    treatment_response: tuple[TreatmentResponse, ...] = ()
    menstrual: MenstrualFigures = _NO_CYCLES
    twitching_triggers: tuple[TwitchingTrigger, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``fhirmig stats --json`` object (same as ``stats_to_json(self)``)."""
        from fhirmig.analysis.output import stats_to_json

        return stats_to_json(self)

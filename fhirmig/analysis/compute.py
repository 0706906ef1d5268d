"""``compute_stats``: every figure of one period of one diary, as a :class:`Stats`."""

from __future__ import annotations

from datetime import date
from typing import get_args

from fhirmig.analysis.counts import (
    build_day_table,
    month_figures,
    sorted_attacks,
    threshold_run,
)
from fhirmig.analysis.days import ONE_DAY, AttackDays, index_attacks, resolve_period
from fhirmig.analysis.menstrual import menstrual_figures
from fhirmig.analysis.output import per_28_days
from fhirmig.analysis.patterns import exposure_figures, trigger_figures, twitching_figures
from fhirmig.analysis.response import coverage_figures, treatment_responses
from fhirmig.analysis.treatment import medication_figures, questionnaire_figures, relief_figures
from fhirmig.analysis.twitch_triggers import tally_triggers, twitching_triggers
from fhirmig.analysis.types import (
    CLASS_KEYS,
    DayFigures,
    ExposureFigures,
    MigraineDayDefinition,
    Stats,
)
from fhirmig.diary.model import Diary
from fhirmig.errors import UsageError

__all__ = ["MIGRAINE_DAY_DEFINITIONS", "compute_stats"]

#: The migraine-day definitions ``compute_stats`` accepts (``diary`` is the default).
MIGRAINE_DAY_DEFINITIONS: tuple[str, ...] = get_args(MigraineDayDefinition)


def compute_stats(
    diary: Diary,
    *,
    start: date | None = None,
    end: date | None = None,
    migraine_day: MigraineDayDefinition = "diary",
    compare_previous: bool = False,
) -> Stats:
    """Every figure of ``diary`` over the period ``start``..``end`` (both days included).

    Without bounds, the period runs from the first to the last day any attack, intake or
    daily entry touches; a diary with none of those has an empty period (no dates, every
    count 0). ``migraine_day`` picks the migraine-day definition (``diary`` or ``ichd``,
    docs/clinical-definitions.md). With ``compare_previous``, ``Stats.previous`` holds the
    same figures for the period of equal length just before this one.

    Raises :class:`~fhirmig.errors.UsageError` for an unknown definition or bounds in the
    wrong order.
    """
    if migraine_day not in MIGRAINE_DAY_DEFINITIONS:
        raise UsageError(
            f"unknown migraine-day definition {migraine_day!r}; "
            f"use one of {', '.join(MIGRAINE_DAY_DEFINITIONS)}"
        )
    tz = diary.patient.tz
    index = index_attacks(sorted_attacks(diary), tz)
    period = resolve_period(diary, start, end, index)
    table: tuple[DayFigures, ...] = ()
    items: list[AttackDays] = []  # the index of the attacks of the period
    if period is not None:
        first, last = period
        items = [item for item in index if first <= item.first <= last]
        table = build_day_table(diary, index, first, last, migraine_day)
    in_period = [item.attack for item in items]
    tally = tally_triggers(items)
    days = len(table)
    months = month_figures(table)
    # The months split the period's rows between them: its totals are theirs added up.
    headache = sum(m.headache_days for m in months)
    migraine = sum(m.migraine_days for m in months)
    acute = sum(m.acute_medication_days for m in months)
    previous = None
    exposures: tuple[ExposureFigures, ...] = ()
    if period is not None:
        onset_days = {item.first for item in index}
        exposures = exposure_figures(diary.days, onset_days, period[0], period[1])
        if compare_previous:
            previous_last = period[0] - ONE_DAY
            previous = compute_stats(
                diary,
                start=previous_last - (days - 1) * ONE_DAY,
                end=previous_last,
                migraine_day=migraine_day,
            )
    return Stats(
        period_from=period[0] if period else None,
        period_to=period[1] if period else None,
        days_in_period=days,
        migraine_day=migraine_day,
        timezone=diary.patient.timezone,
        attacks=len(in_period),
        headache_days=headache,
        migraine_days=migraine,
        acute_medication_days=acute,
        class_days={key: sum(m.class_days[key] for m in months) for key in CLASS_KEYS},
        per_28_days={
            "headache_days": per_28_days(headache, days),
            "migraine_days": per_28_days(migraine, days),
            "acute_medication_days": per_28_days(acute, days),
        },
        twitching_attacks=tally.twitching,
        months=months,
        overuse=threshold_run([m.month for m in months if m.overuse_threshold_reached]),
        chronic_frequency=threshold_run([m.month for m in months if m.chronic_frequency_reached]),
        day_table=table,
        twitching=twitching_figures(items, tz),
        triggers=trigger_figures(tally),
        exposures=exposures,
        medication_effect=medication_figures(in_period, diary.medications),
        relief_methods=relief_figures(in_period),
        questionnaires=questionnaire_figures(
            diary.questionnaires, *(period if period else (None, None))
        ),
        previous=previous,
        coverage=coverage_figures(table),
        headache_free_days=sum(row.headache_free for row in table),
        treatment_response=treatment_responses(diary.treatments, table),
        menstrual=menstrual_figures(diary.days, table),
        twitching_triggers=twitching_triggers(tally),
    )

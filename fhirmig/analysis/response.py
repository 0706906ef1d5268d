"""Diary completeness and treatment response: how far the counts can be trusted, and
whether a preventive or botulinum toxin reduced the migraine days.

Both read the day table of the period (:func:`fhirmig.analysis.counts.build_day_table`),
so a window's counts are sums over the same rows as the period's and can never disagree
with them. A window that does not lie wholly inside the period has no counts (None): the
diary says nothing about the days outside it, and a count over part of a window would
look like a response. The windows are those of preventive trials (IHS guidelines for
controlled trials of preventive treatment) and of payers' 3-month reviews: the 28 days
before the start against days 57 to 84 of treatment (weeks 9-12), the start day being
day 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction

from fhirmig.analysis.output import round_exact
from fhirmig.analysis.types import (
    RESPONSE_REASONS,
    CoverageFigures,
    DayFigures,
    ResponseWindow,
    TreatmentResponse,
)
from fhirmig.diary.model import Treatment

__all__ = [
    "ASSESSMENT_DAYS",
    "BASELINE_DAYS",
    "MIN_RECORDED_DAYS",
    "RESPONDER_THRESHOLDS",
    "RESPONSE_TYPES",
    "coverage_figures",
    "treatment_responses",
    "treatment_start",
]

#: The baseline: the 28 days before the start (start - 28 to start - 1).
BASELINE_DAYS = 28
#: The assessment: days 57 to 84 of treatment, the start day being day 1.
ASSESSMENT_DAYS = (57, 84)
#: A window with fewer recorded days than this is not assessed (21 of 28 days).
MIN_RECORDED_DAYS = 21
#: Responder thresholds, percent reduction in migraine days.
RESPONDER_THRESHOLDS: tuple[int, ...] = (50, 75, 100)
#: The treatment types whose response is assessed.
RESPONSE_TYPES: tuple[str, ...] = ("preventive-medication", "botulinum-toxin")


def coverage_figures(table: Sequence[DayFigures]) -> CoverageFigures:
    """Recorded days of the period, its days, and their share (3 decimals; 0.0 when empty)."""
    recorded = sum(row.recorded for row in table)
    days = len(table)
    share = round_exact(Fraction(recorded, days), 3) if days else 0.0
    return CoverageFigures(recorded_days=recorded, days=days, share=share)


def treatment_start(treatment: Treatment) -> date | None:
    """The day treatment began: ``start``; for botulinum toxin without one, the earliest
    session of ``dates``; None when neither is known."""
    if treatment.start is not None:
        return treatment.start
    if treatment.type == "botulinum-toxin" and treatment.dates:
        return min(treatment.dates)
    return None


def _window(table: Sequence[DayFigures], lo: date, hi: date) -> ResponseWindow:
    inside = bool(table) and table[0].day <= lo and hi <= table[-1].day
    if not inside:
        return ResponseWindow(lo, hi, False, None, None, None, None)
    offset = (lo - table[0].day).days
    rows = table[offset : offset + (hi - lo).days + 1]
    return ResponseWindow(
        first=lo,
        last=hi,
        inside=True,
        recorded_days=sum(row.recorded for row in rows),
        migraine_days=sum(row.migraine for row in rows),
        headache_days=sum(row.headache for row in rows),
        acute_medication_days=sum(row.acute_medication for row in rows),
    )


def _reason(
    treatment: Treatment, baseline: ResponseWindow, assessment: ResponseWindow
) -> str | None:
    checks = (
        not baseline.inside,
        not assessment.inside,
        treatment.end is not None and treatment.end < assessment.last,
        (baseline.recorded_days or 0) < MIN_RECORDED_DAYS,
        (assessment.recorded_days or 0) < MIN_RECORDED_DAYS,
    )
    for failed, reason in zip(checks, RESPONSE_REASONS, strict=True):
        if failed:
            return reason
    return None


def treatment_responses(
    treatments: Sequence[Treatment], table: Sequence[DayFigures]
) -> tuple[TreatmentResponse, ...]:
    """One :class:`TreatmentResponse` per preventive or botulinum-toxin treatment with a
    known start, in the order of ``treatments``; ``table`` is the period's day table."""
    out = []
    for treatment in treatments:
        start = treatment_start(treatment) if treatment.type in RESPONSE_TYPES else None
        if start is None:
            continue
        baseline = _window(table, start - timedelta(days=BASELINE_DAYS), start - timedelta(1))
        assessment = _window(
            table,
            start + timedelta(days=ASSESSMENT_DAYS[0] - 1),
            start + timedelta(days=ASSESSMENT_DAYS[1] - 1),
        )
        reason = _reason(treatment, baseline, assessment)
        reduction: float | None = None
        responder: dict[str, bool] | None = None
        before, after = baseline.migraine_days, assessment.migraine_days
        if reason is None and before and after is not None:
            exact = Fraction(100 * (before - after), before)
            reduction = round_exact(exact, 1)
            responder = {str(level): exact >= level for level in RESPONDER_THRESHOLDS}
        out.append(
            TreatmentResponse(
                treatment=treatment.id,
                type=treatment.type,
                name=treatment.name,
                start=start,
                assessable=reason is None,
                reason=reason,
                baseline=baseline,
                assessment=assessment,
                migraine_day_reduction_percent=reduction,
                responder=responder,
            )
        )
    return tuple(out)

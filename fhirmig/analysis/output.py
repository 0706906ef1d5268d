"""How the figures are presented: rounding, the ``fhirmig stats --json`` object, the table.

Rounding is half up on exact decimals: binary floats and Python's ``round`` (half to even)
would print 6.25 as 6.2 and 28 * 5 / 560 = 0.25 as 0.2, where a clinician checking by hand
expects 6.3 and 0.3.

:func:`stats_to_json` puts the contract keys first, in the order of
docs/clinical-definitions.md, then the extended keys; every dict is built in a fixed order,
so the same figures always give the same bytes. Shares and ratios are rounded there (3 and
2 decimals), not in the figures, except those of the contract's new figures (coverage,
treatment response, twitching and triggers), which are rounded once, on their exact
values, where they are computed. The terminal view is :mod:`fhirmig.analysis.table`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from fhirmig.analysis.types import (
    ExposureFigures,
    MenstrualFigures,
    MonthFigures,
    ResponseWindow,
    Stats,
    ThresholdRun,
    TreatmentResponse,
    TwitchingFigures,
    TwitchingTrigger,
)

__all__ = [
    "NOT_ENOUGH_DATA",
    "per_28_days",
    "round_exact",
    "round_half_up",
    "stats_to_json",
]

NOT_ENOUGH_DATA = "not enough data"


def round_half_up(value: float, digits: int) -> float:
    """``value`` rounded half up to ``digits`` decimals (on its shortest decimal form)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def round_exact(value: Fraction, digits: int) -> float:
    """An exact ratio rounded half up (away from zero) to ``digits`` decimals.

    The rounding is done on integers, so no binary or 28-digit decimal approximation can
    turn a value just below a half into a half: 1/16 gives 0.063 at 3 decimals.
    """
    scaled = abs(value) * 10**digits
    rounded = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    sign = -1 if value < 0 else 1
    return float(Decimal(sign * rounded).scaleb(-digits))


def per_28_days(count: int, days: int) -> float:
    """``count * 28 / days`` rounded half up to one decimal (0.0 for an empty period).

    The quotient is exact (Decimal division to 28 significant digits), so 0.25 becomes 0.3.
    """
    if days <= 0:
        return 0.0
    value = Decimal(count * 28) / Decimal(days)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round_half_up(value, digits)


def _month(month: MonthFigures) -> dict[str, Any]:
    return {
        "month": month.month,
        "days": month.days,
        "headache_days": month.headache_days,
        "migraine_days": month.migraine_days,
        "acute_medication_days": month.acute_medication_days,
        "class_days": dict(month.class_days),
        "overuse_threshold_reached": month.overuse_threshold_reached,
        "chronic_frequency_reached": month.chronic_frequency_reached,
        "recorded_days": month.recorded_days,
        "complete": month.complete,
        "overuse_reasons": list(month.overuse_reasons),
    }


def _run(run: ThresholdRun) -> dict[str, Any]:
    return {"months_reached": list(run.months_reached), "longest_run": run.longest_run}


def _window(w: ResponseWindow) -> dict[str, Any]:
    return {
        "from": w.first.isoformat(),
        "to": w.last.isoformat(),
        "recorded_days": w.recorded_days,
        "migraine_days": w.migraine_days,
        "headache_days": w.headache_days,
        "acute_medication_days": w.acute_medication_days,
    }


def _response(r: TreatmentResponse) -> dict[str, Any]:
    return {
        "treatment": r.treatment,
        "type": r.type,
        "start": r.start.isoformat(),
        "assessable": r.assessable,
        "reason": r.reason,
        "baseline": _window(r.baseline),
        "assessment": _window(r.assessment),
        "migraine_day_reduction_percent": r.migraine_day_reduction_percent,
        "responder": None if r.responder is None else dict(r.responder),
    }


def _menstrual(m: MenstrualFigures) -> dict[str, Any]:
    return {
        "cycles": m.cycles,
        "cycles_with_migraine": m.cycles_with_migraine,
        "migraine_days_outside_windows": m.migraine_days_outside_windows,
        "pattern": m.pattern,
    }


def _twitching_trigger(t: TwitchingTrigger) -> dict[str, Any]:
    return {
        "trigger": t.trigger,
        "with": t.with_trigger,
        "with_twitching": t.with_twitching,
        "without": t.without_trigger,
        "without_twitching": t.without_twitching,
        "risk_ratio": t.risk_ratio,
        "ci95": None if t.ci95 is None else list(t.ci95),
        "enough_data": t.enough_data,
    }


def _twitching(tw: TwitchingFigures | None) -> dict[str, Any] | None:
    if tw is None:
        return None
    return {
        "attacks_with": tw.attacks_with,
        "attacks_total": tw.attacks_total,
        "share": _round(tw.share, 3),
        "by_site": dict(tw.by_site),
        "onset": dict(tw.onset),
        "mean_peak_with": tw.mean_peak_with,
        "mean_peak_without": tw.mean_peak_without,
        "episodes_per_month": dict(tw.episodes_per_month),
        "descriptions": [
            {
                "attack_id": d.attack_id,
                "date": d.day.isoformat(),
                "location": d.location,
                "description": d.description,
                "intensity": d.intensity,
            }
            for d in tw.descriptions
        ],
    }


def _exposure(ex: ExposureFigures) -> dict[str, Any]:
    return {
        "factor": ex.factor,
        "definition": ex.definition,
        "exposed_days": ex.exposed_days,
        "exposed_attack_days": ex.exposed_attack_days,
        "unexposed_days": ex.unexposed_days,
        "unexposed_attack_days": ex.unexposed_attack_days,
        "enough_data": ex.enough_data,
        "ratio": _round(ex.ratio, 2),
        "ci_low": _round(ex.ci_low, 2),
        "ci_high": _round(ex.ci_high, 2),
        "note": None if ex.enough_data else NOT_ENOUGH_DATA,
    }


def _extended(stats: Stats) -> dict[str, Any]:
    return {
        "twitching": _twitching(stats.twitching),
        "triggers": [
            {"trigger": t.trigger, "attacks": t.attacks, "share": round_half_up(t.share, 3)}
            for t in stats.triggers
        ],
        "exposures": [_exposure(ex) for ex in stats.exposures],
        "medication_effect": [
            {
                "medication": m.medication_id,
                "name": m.name,
                "class": m.drug_class,
                "intakes": m.intakes,
                "rated": m.rated,
                "good_or_complete": m.good_or_complete,
                "good_or_complete_share": _round(m.good_or_complete_share, 3),
                "median_minutes_to_intake": _round(m.median_minutes_to_intake, 1),
            }
            for m in stats.medication_effect
        ],
        "relief_methods": [
            {"method": r.method, "uses": r.uses, "effects": dict(r.effects)}
            for r in stats.relief_methods
        ],
        "questionnaires": [
            {
                "instrument": q.instrument,
                "date": q.date.isoformat(),
                "score": q.score,
                "grade": q.grade,
                "band": q.band,
            }
            for q in stats.questionnaires
        ],
    }


def stats_to_json(stats: Stats) -> dict[str, Any]:
    """The ``fhirmig stats --json`` object: the contract keys, then the extended ones.

    ``previous_period`` (the same object, without its own comparison) is present only
    when the figures were computed with ``compare_previous``.
    """
    out: dict[str, Any] = {
        "period": {
            "from": stats.period_from.isoformat() if stats.period_from else None,
            "to": stats.period_to.isoformat() if stats.period_to else None,
            "days": stats.days_in_period,
        },
        "definitions": {"migraine_day": stats.migraine_day, "timezone": stats.timezone},
        "attacks": stats.attacks,
        "headache_days": stats.headache_days,
        "migraine_days": stats.migraine_days,
        "acute_medication_days": stats.acute_medication_days,
        "class_days": dict(stats.class_days),
        "per_28_days": dict(stats.per_28_days),
        "twitching_attacks": stats.twitching_attacks,
        "months": [_month(m) for m in stats.months],
        "overuse": _run(stats.overuse),
        "chronic_frequency": _run(stats.chronic_frequency),
        "coverage": {
            "recorded_days": stats.coverage.recorded_days,
            "days": stats.coverage.days,
            "share": stats.coverage.share,
        },
        "headache_free_days": stats.headache_free_days,
        "treatment_response": [_response(r) for r in stats.treatment_response],
        "menstrual": _menstrual(stats.menstrual),
        "twitching_triggers": [_twitching_trigger(t) for t in stats.twitching_triggers],
    }
    out.update(_extended(stats))
    if stats.previous is not None:
        out["previous_period"] = stats_to_json(stats.previous)
    return out

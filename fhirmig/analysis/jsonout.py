"""``stats_to_json``: a :class:`Stats` as the object ``fhirmig stats --json`` prints.

The contract keys come first, in the order of docs/clinical-definitions.md, then the
extended keys. Every dict is built in a fixed order, so the same figures always give the
same bytes. Shares and ratios are rounded here (3 and 2 decimals), not in the figures.
"""

from __future__ import annotations

from typing import Any

from fhirmig.analysis.types import (
    ExposureFigures,
    MonthFigures,
    Stats,
    ThresholdRun,
    TwitchingFigures,
)

__all__ = ["NOT_ENOUGH_DATA", "stats_to_json"]

NOT_ENOUGH_DATA = "not enough data"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


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
        "complete": month.complete,
        "overuse_reasons": list(month.overuse_reasons),
    }


def _run(run: ThresholdRun) -> dict[str, Any]:
    return {"months_reached": list(run.months_reached), "longest_run": run.longest_run}


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
            {"trigger": t.trigger, "attacks": t.attacks, "share": round(t.share, 3)}
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
    }
    out.update(_extended(stats))
    if stats.previous is not None:
        out["previous_period"] = stats_to_json(stats.previous)
    return out

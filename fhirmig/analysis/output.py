"""How the figures are presented: rounding, the ``fhirmig stats --json`` object, the table.

Rounding is half up on exact decimals: binary floats and Python's ``round`` (half to even)
would print 6.25 as 6.2 and 28 * 5 / 560 = 0.25 as 0.2, where a clinician checking by hand
expects 6.3 and 0.3.

:func:`stats_to_json` puts the contract keys first, in the order of
docs/clinical-definitions.md, then the extended keys; every dict is built in a fixed order,
so the same figures always give the same bytes. Shares and ratios are rounded there (3 and
2 decimals), not in the figures. :func:`format_stats_table` is the terminal view; with a
previous period each row shows both periods side by side. The wording keeps to "threshold
reached" and "pattern for discussion": nothing here states a diagnosis.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fhirmig.analysis.types import (
    CLASS_KEYS,
    ExposureFigures,
    MonthFigures,
    Stats,
    ThresholdRun,
    TwitchingFigures,
)
from fhirmig.wording import plural

__all__ = [
    "NOT_ENOUGH_DATA",
    "format_stats_table",
    "per_28_days",
    "round_half_up",
    "stats_to_json",
]

NOT_ENOUGH_DATA = "not enough data"


def round_half_up(value: float, digits: int) -> float:
    """``value`` rounded half up to ``digits`` decimals (on its shortest decimal form)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


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
    }
    out.update(_extended(stats))
    if stats.previous is not None:
        out["previous_period"] = stats_to_json(stats.previous)
    return out


_LABEL = 40


_CLASS_LABELS = {
    "triptan": "triptan",
    "ergot": "ergot",
    "opioid": "opioid",
    "combination_analgesic": "combination-analgesic",
    "non_opioid_analgesic": "non-opioid-analgesic",
    "other_acute": "other acute (gepant, ditan)",
}
_COUNT_LABELS = {
    "headache_days": "Headache days",
    "migraine_days": "Migraine days",
    "acute_medication_days": "Acute-medication days",
}


def _period(stats: Stats) -> str:
    if stats.period_from is None or stats.period_to is None:
        return "(empty)"
    return f"{stats.period_from} to {stats.period_to} ({plural(stats.days_in_period, 'day')})"


def _rows(stats: Stats) -> list[tuple[str, str]]:
    rows = [
        ("Period", _period(stats)),
        ("Attacks", str(stats.attacks)),
        ("Headache days", str(stats.headache_days)),
        ("Migraine days", str(stats.migraine_days)),
        ("Acute-medication days", str(stats.acute_medication_days)),
    ]
    rows += [(f"  {_CLASS_LABELS[key]} days", str(stats.class_days[key])) for key in CLASS_KEYS]
    rows += [
        (f"{_COUNT_LABELS[key]} per 28 days", f"{value:.1f}")
        for key, value in stats.per_28_days.items()
    ]
    rows.append(("Attacks with twitching", str(stats.twitching_attacks)))
    for name, run in (("Overuse", stats.overuse), ("Chronic frequency", stats.chronic_frequency)):
        reached = ", ".join(run.months_reached) or "not reached"
        rows.append((f"{name} threshold reached in", reached))
        rows.append(("  longest run of months", str(run.longest_run)))
    return rows


def _months(stats: Stats) -> list[str]:
    if not stats.months:
        return []
    head = f"{'Month':<9}{'days':>5}{'headache':>10}{'migraine':>10}{'acute':>7}  thresholds"
    lines = ["", head, "-" * len(head)]
    for m in stats.months:
        notes = []
        if not m.complete:
            notes.append("partial month, not judged")
        if m.overuse_threshold_reached:
            notes.append("overuse threshold reached (" + ", ".join(m.overuse_reasons) + ")")
        if m.chronic_frequency_reached:
            notes.append("chronic-migraine frequency reached")
        lines.append(
            f"{m.month:<9}{m.days:>5}{m.headache_days:>10}{m.migraine_days:>10}"
            f"{m.acute_medication_days:>7}  {'; '.join(notes)}".rstrip()
        )
    return lines


def _exposures(stats: Stats) -> list[str]:
    lines = []
    for ex in stats.exposures:
        if ex.enough_data and ex.ratio is not None:
            figure = f"rate ratio {ex.ratio:.2f} (95% CI {ex.ci_low:.2f}-{ex.ci_high:.2f})"
        else:
            figure = NOT_ENOUGH_DATA
        lines.append(
            f"  {ex.definition}: {figure}; attack days {ex.exposed_attack_days}/"
            f"{ex.exposed_days} exposed, {ex.unexposed_attack_days}/{ex.unexposed_days} not"
        )
    return ["", "Exposures (attack starts on the next day):", *lines] if lines else []


def _treatment(stats: Stats) -> list[str]:
    lines = []
    for m in stats.medication_effect:
        share = "" if m.good_or_complete_share is None else f"{m.good_or_complete_share:.0%}"
        rated = f"good or complete relief {share} of {m.rated} rated" if m.rated else "not rated"
        delay = m.median_minutes_to_intake
        timing = "" if delay is None else f", median {delay:.0f} min after attack start"
        lines.append(f"  {m.name}: {m.intakes} intakes, {rated}{timing}")
    out = ["", "Medication effect:", *lines] if lines else []
    rows = [
        f"  {q.date} {q.instrument} {q.score} ({q.grade}, {q.band})" for q in stats.questionnaires
    ]
    return out + (["", "Questionnaires:", *rows] if rows else [])


def _twitching_line(stats: Stats) -> list[str]:
    tw = stats.twitching
    if tw is None or not tw.attacks_with or tw.share is None:
        return []
    sites = ", ".join(f"{site} {n}" for site, n in tw.by_site.items()) or "no site recorded"
    onset = ", ".join(f"{k} {n}" for k, n in tw.onset.items() if n)
    return [
        "",
        f"Twitching: {tw.attacks_with} of {tw.attacks_total} attacks ({tw.share:.0%}); "
        f"sites: {sites}; onset: {onset}",
    ]


def format_stats_table(stats: Stats) -> str:
    """The figures as aligned text; two value columns when ``stats.previous`` is set."""
    definition = (
        f"Migraine-day definition: {stats.migraine_day}; days in {stats.timezone}. "
        "Thresholds are patterns for discussion, not a diagnosis."
    )
    current = _rows(stats)
    lines = [definition, ""]
    if stats.previous is None:
        lines += [f"{label:<{_LABEL}}{value}" for label, value in current]
    else:
        before = dict(_rows(stats.previous))
        lines.append(f"{'':<{_LABEL}}{'this period':<36}previous period")
        for label, value in current:
            lines.append(f"{label:<{_LABEL}}{value:<36}{before.get(label, '')}")
    extra = _twitching_line(stats) + _exposures(stats) + _treatment(stats)
    return "\n".join(lines + _months(stats) + extra)

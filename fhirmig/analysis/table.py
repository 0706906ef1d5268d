"""``fhirmig stats`` as text: the figures as aligned rows, then the months and the further
figures. With a previous period each row shows both periods side by side. The wording
keeps to "threshold reached", "pattern for discussion" and "association": nothing here
states a diagnosis or a cause.
"""

from __future__ import annotations

from fhirmig.analysis.output import NOT_ENOUGH_DATA
from fhirmig.analysis.types import CLASS_KEYS, Stats
from fhirmig.wording import plural

__all__ = ["format_stats_table"]

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
    cov = stats.coverage
    rows.append(("Recorded days", f"{cov.recorded_days} of {cov.days} (share {cov.share:.3f})"))
    rows.append(("Headache-free days (as marked)", str(stats.headache_free_days)))
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


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _response_lines(stats: Stats) -> list[str]:
    lines = []
    for r in stats.treatment_response:
        name = f"{r.name} ({r.treatment})" if r.name else r.treatment
        b, a = r.baseline, r.assessment
        lines.append(f"  {name}, {r.type}, started {r.start}:")
        lines.append(
            f"    baseline {b.first} to {b.last}: migraine days {_count(b.migraine_days)}, "
            f"recorded days {_count(b.recorded_days)} of 28"
        )
        lines.append(
            f"    weeks 9-12 {a.first} to {a.last}: migraine days {_count(a.migraine_days)}, "
            f"recorded days {_count(a.recorded_days)} of 28"
        )
        if not r.assessable:
            lines.append(f"    not assessable: {r.reason}")
        elif r.migraine_day_reduction_percent is None or r.responder is None:
            lines.append("    no reduction computed: the baseline has no migraine day")
        else:
            reached = ", ".join(
                f"{level}% {'reached' if hit else 'not reached'}"
                for level, hit in r.responder.items()
            )
            lines.append(
                f"    migraine-day reduction {r.migraine_day_reduction_percent:.1f}%; "
                f"responder thresholds: {reached}"
            )
    return ["", "Treatment response (baseline against weeks 9-12):", *lines] if lines else []


def _menstrual_lines(stats: Stats) -> list[str]:
    m = stats.menstrual
    if not m.cycle_starts:
        return []
    return [
        "",
        "Menstrual pattern (ICHD-3 A1.1.1, A1.1.2; a pattern for discussion):",
        f"  {m.cycles_with_migraine} of {plural(m.cycles, 'counted cycle')} with a migraine day "
        "from day -2 to day +3; "
        f"{plural(m.migraine_days_outside_windows, 'migraine day')} outside those days; "
        f"pattern: {m.pattern}",
        "  ICHD-3 asks for prospectively kept records over at least three cycles.",
    ]


def _twitching_trigger_lines(stats: Stats) -> list[str]:
    lines = []
    for t in stats.twitching_triggers:
        if t.enough_data and t.risk_ratio is not None and t.ci95 is not None:
            figure = f"risk ratio {t.risk_ratio:.2f} (95% CI {t.ci95[0]:.2f}-{t.ci95[1]:.2f})"
            if t.associated:
                figure += ", associated"
        else:
            figure = NOT_ENOUGH_DATA
        lines.append(
            f"  {t.trigger}: twitching in {t.with_twitching} of "
            f"{plural(t.with_trigger, 'attack')} listing it, {t.without_twitching} of "
            f"{t.without_trigger} not; {figure}"
        )
    if not lines:
        return []
    return ["", "Twitching and triggers (an association, not a cause):", *lines]


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
    extra = (
        _twitching_line(stats)
        + _twitching_trigger_lines(stats)
        + _exposures(stats)
        + _treatment(stats)
        + _response_lines(stats)
        + _menstrual_lines(stats)
    )
    return "\n".join(lines + _months(stats) + extra)

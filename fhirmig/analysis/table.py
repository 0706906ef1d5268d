"""The figures as a plain-text table for the terminal (``fhirmig stats`` without --json).

With a previous period, each row shows both periods side by side. The wording keeps to
"threshold reached" and "pattern for discussion": the table never states a diagnosis.
"""

from __future__ import annotations

from fhirmig.analysis.jsonout import NOT_ENOUGH_DATA
from fhirmig.analysis.types import CLASS_KEYS, Stats

__all__ = ["format_stats_table"]

_LABEL = 40


def _period(stats: Stats) -> str:
    if stats.period_from is None or stats.period_to is None:
        return "(empty)"
    return f"{stats.period_from} to {stats.period_to} ({stats.days_in_period} days)"


def _rows(stats: Stats) -> list[tuple[str, str]]:
    rows = [
        ("Period", _period(stats)),
        ("Attacks", str(stats.attacks)),
        ("Headache days", str(stats.headache_days)),
        ("Migraine days", str(stats.migraine_days)),
        ("Acute-medication days", str(stats.acute_medication_days)),
    ]
    rows += [(f"  {key.replace('_', ' ')} days", str(stats.class_days[key])) for key in CLASS_KEYS]
    rows += [
        (f"{key.replace('_', ' ').capitalize()} per 28 days", f"{value:.1f}")
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
            f"{m.acute_medication_days:>7}  {'; '.join(notes)}"
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
    return "\n".join(lines + _months(stats) + _exposures(stats))

"""The findings of page one, each as report markup: thresholds, questionnaires, profile,
twitching.

Each function reads :class:`~fhirmig.analysis.types.Stats` (and, for the attack profile,
the attacks of the period) and returns markup lines ready for a Paragraph; user text is
escaped through :func:`~fhirmig.report.fonts.markup`. The wording comes from
:mod:`fhirmig.report.messages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhirmig.analysis.types import ICHD_CLASS_KEYS, Stats
from fhirmig.report.fonts import has_cjk, markup
from fhirmig.report.i18n import (
    N_,
    _,
    fmt_date,
    fmt_month,
    fmt_percent,
    joined,
    npgettext,
)
from fhirmig.report.messages import message

__all__ = [
    "MONTHS_LISTED",
    "band_words",
    "class_maxima",
    "combined_class_days",
    "coverage_text",
    "full_stop",
    "grade_text",
    "join_sentences",
    "latest_questionnaires",
    "menstrual_lines",
    "questionnaire_lines",
    "threshold_lines",
]

#: Months listed by name in a threshold line; more are counted ("and N more").
MONTHS_LISTED = 12
#: ICHD-3 8.2 monthly thresholds, per class key (``multiple_classes``: any class, 2+ used)
THRESHOLDS: dict[str, int] = {
    "triptan": 10,
    "ergot": 10,
    "opioid": 10,
    "combination_analgesic": 10,
    "non_opioid_analgesic": 15,
    "multiple_classes": 10,
}

_CLASS_WORDS = {
    "triptan": N_("triptan"),
    "ergot": N_("ergot"),
    "opioid": N_("opioid"),
    "combination_analgesic": N_("combination analgesic"),
    "non_opioid_analgesic": N_("non-opioid analgesic"),
    "other_acute": N_("gepant or ditan"),
    "multiple_classes": N_("two or more classes"),
}


def class_words(key: str) -> str:
    """An ICHD-3 class key (or ``multiple_classes``) in words: ``non-opioid analgesic``."""
    words = _CLASS_WORDS.get(key)
    return _(words) if words else key.replace("_", " ")


#: The words of the questionnaire grades (``stats`` gives them in English, a contract value).
_BAND_WORDS = {
    "little or no disability": N_("little or no disability"),
    "mild disability": N_("mild disability"),
    "moderate disability": N_("moderate disability"),
    "severe disability": N_("severe disability"),
    "little or no impact": N_("little or no impact"),
    "some impact": N_("some impact"),
    "substantial impact": N_("substantial impact"),
    "severe impact": N_("severe impact"),
}


def band_words(band: str) -> str:
    """A questionnaire grade's words (``severe disability``) in the current language."""
    words = _BAND_WORDS.get(band)
    return _(words) if words else band


def grade_text(grade: str) -> str:
    """A questionnaire grade for print: ``>=60`` becomes ``≥60``; others unchanged."""
    return grade.replace(">=", "≥").replace("<=", "≤")


def _months(months: Sequence[str]) -> str:
    shown = joined((fmt_month(m) for m in months[:MONTHS_LISTED]), comma=True)
    if len(months) > MONTHS_LISTED:
        shown += _(" and {count} more").format(count=len(months) - MONTHS_LISTED)
    return shown


def combined_class_days(stats: Stats) -> dict[str, int]:
    """Per month (``YYYY-MM``): the days with any ICHD-3-class acute medication when two
    or more of those classes were used that month, else 0 (the combined rule of ICHD-3
    8.2, counted as :func:`fhirmig.analysis.compute_stats` counts it)."""
    ichd = frozenset(ICHD_CLASS_KEYS)
    any_class: dict[str, int] = {}
    for day in stats.day_table:  # one pass: a three-year table has a thousand days
        if day.classes & ichd:
            key = day.day.isoformat()[:7]
            any_class[key] = any_class.get(key, 0) + 1
    out: dict[str, int] = {}
    for month in stats.months:
        used = sum(1 for key in ICHD_CLASS_KEYS if month.class_days.get(key, 0))
        out[month.month] = any_class.get(month.month, 0) if used >= 2 else 0
    return out


def class_maxima(stats: Stats) -> list[tuple[str, int, str, int]]:
    """(class key, highest days in a complete month, that month, threshold) for every
    class used in a complete month, and ``multiple_classes`` when two or more were."""
    judged = [m for m in stats.months if m.complete]
    combined = combined_class_days(stats)
    out: list[tuple[str, int, str, int]] = []
    for key in (*ICHD_CLASS_KEYS, "multiple_classes"):
        values = [
            (combined[m.month] if key == "multiple_classes" else m.class_days.get(key, 0), m.month)
            for m in judged
        ]
        best = max(values, key=lambda v: (v[0], v[1]), default=(0, ""))
        if best[0]:
            first = next(month for count, month in values if count == best[0])
            out.append((key, best[0], first, THRESHOLDS[key]))
    return out


def threshold_lines(stats: Stats) -> list[str]:
    """The overuse and chronic-frequency lines, worded per ICHD-3 (markup)."""
    judged = sum(1 for m in stats.months if m.complete)
    lines: list[str] = []
    reasons: dict[str, int] = {}
    for m in stats.months:
        for r in m.overuse_reasons:
            reasons[r] = reasons.get(r, 0) + 1
    why = joined(
        npgettext(
            "overuse reason",
            "{medication_class} in {count} month",
            "{medication_class} in {count} months",
            n,
        ).format(medication_class=class_words(r), count=n)
        for r, n in sorted(reasons.items())
    )
    checks = (
        ("overuse.name", stats.overuse, _("; by {reasons}").format(reasons=why) if why else ""),
        ("chronic.name", stats.chronic_frequency, ""),
    )
    for name_key, run, because in checks:
        name = message(name_key)
        if not stats.months:
            lines.append(message("threshold.nothing", name=name))
        elif run.months_reached:
            key = "threshold.long" if run.longest_run > 3 else "threshold.short"
            lines.append(
                message(
                    key,
                    name=name,
                    count=len(run.months_reached),
                    judged=judged,
                    months=_months(run.months_reached),
                    run=run.longest_run,
                    run_unit=npgettext("longest run", "month", "months", run.longest_run),
                    judged_unit=npgettext("complete months judged", "month", "months", judged),
                    why=because,
                )
            )
        elif judged:
            lines.append(
                message("threshold.not_reached", name=name, judged_text=judged_text(judged))
            )
        else:
            lines.append(message("threshold.not_judged", name=name))
    maxima = class_maxima(stats)
    if maxima:
        items = joined(
            npgettext(
                "class maximum",
                "{medication_class} {count} day in {month} (threshold {limit})",
                "{medication_class} {count} days in {month} (threshold {limit})",
                days,
            ).format(
                medication_class=class_words(key), count=days, month=fmt_month(month), limit=limit
            )
            for key, days, month, limit in maxima
        )
        lines.append(message("threshold.maxima", items=items))
    return lines


def judged_text(judged: int) -> str:
    """``the 1 complete month`` or ``any of 6 complete months``."""
    return npgettext(
        "thresholds not reached in",
        "the {count} complete month",
        "any of {count} complete months",
        judged,
    ).format(count=judged)


#: sentence ends of Chinese and Japanese text: no space follows them
_CJK_STOPS = ("。", "！", "？")


def full_stop(sentence: str) -> str:
    """``sentence`` ended with a full stop in its script: ``。`` for CJK text, else ``.``."""
    return sentence + ("。" if has_cjk(sentence) else ".")


def join_sentences(sentences: Sequence[str]) -> str:
    """Sentences run together as one paragraph: a space after each, except after a CJK
    full stop, which Japanese and Chinese text follows without one."""
    out = ""
    for sentence in sentences:
        out += sentence if not out or out.endswith(_CJK_STOPS) else " " + sentence
    return out


def latest_questionnaires(stats: Stats) -> dict[str, Any]:
    """The latest result of each instrument in the period, by instrument."""
    latest: dict[str, Any] = {}
    for q in sorted(stats.questionnaires, key=lambda q: q.date):
        latest[q.instrument] = q
    return latest


def questionnaire_lines(stats: Stats) -> list[str]:
    """Each instrument's latest score with the one before it and the change (markup)."""
    earlier = list(stats.previous.questionnaires) if stats.previous is not None else []
    every = sorted(
        {(q.date, q.instrument, q.score): q for q in [*earlier, *stats.questionnaires]}.values(),
        key=lambda q: q.date,
    )
    lines = []
    for instrument, q in latest_questionnaires(stats).items():
        text = message(
            "questionnaire.latest",
            instrument=instrument,
            score=q.score,
            date=fmt_date(q.date),
            grade=markup(grade_text(q.grade)),
            band=markup(band_words(q.band)),
        )
        before = [p for p in every if p.instrument == instrument and p.date < q.date]
        if before:
            prior = before[-1]
            change = q.score - prior.score
            sign = "+" if change > 0 else "−" if change < 0 else "±"
            text += message(
                "questionnaire.change",
                score=prior.score,
                date=fmt_date(prior.date),
                change=f"{sign}{abs(change)}",
            )
        lines.append(full_stop(text))
    return lines or [message("questionnaire.none")]


def coverage_text(stats: Stats) -> str:
    """``80 of 92 days recorded (87%); 41 days marked headache-free`` (plain text)."""
    cov = stats.coverage
    if not cov.days:
        return message("coverage.empty")
    free = stats.headache_free_days
    return message(
        "coverage.line",
        recorded=cov.recorded_days,
        days=cov.days,
        share=fmt_percent(cov.share),
        free=free,
        free_unit=npgettext("headache-free", "day", "days", free),
    )


def menstrual_lines(stats: Stats) -> list[str]:
    """The menstrual-pattern line (markup), or none without menstruation data."""
    m = stats.menstrual
    if not m.cycle_starts:
        return []
    if m.pattern == "not-judged":
        return [
            message(
                "menstrual.not_judged",
                cycles=m.cycles,
                cycle_unit=npgettext("menstrual", "cycle", "cycles", m.cycles),
            )
        ]
    outside = m.migraine_days_outside_windows
    return [
        message(
            "menstrual.judged",
            with_migraine=m.cycles_with_migraine,
            cycles=m.cycles,
            outside=outside,
            outside_unit=npgettext("migraine days outside", "day", "days", outside),
            pattern=message(f"menstrual.{m.pattern}"),
        )
    ]

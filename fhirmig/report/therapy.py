"""Sections on what may bring attacks on and what is done about them: triggers and daily
factors, acute medication (chart, effect, relief methods, treatments), questionnaires.

Every table is built from :class:`~fhirmig.analysis.types.Stats`, so the report shows
exactly the figures ``fhirmig stats`` prints.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhirmig.analysis.treatment import EFFECT_KEYS
from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Diary
from fhirmig.report.attack_text import exposure_words
from fhirmig.report.charts import medication_chart
from fhirmig.report.findings import band_words, grade_text
from fhirmig.report.fonts import markup
from fhirmig.report.i18n import _, fmt_date, joined, pgettext, vocabulary_name
from fhirmig.report.styles import UserText, paragraph, styles
from fhirmig.report.tables import data_table, num, pct
from fhirmig.report.topics import treatment_name

__all__ = ["medication_section", "questionnaires_section", "triggers_section"]


def triggers_section(stats: Stats, width: float) -> list[Any]:
    """Suspected triggers as reported, and attack days after daily factors."""
    from reportlab.platypus import CondPageBreak

    st = styles()
    out: list[Any] = [CondPageBreak(250), paragraph(_("Triggers and daily factors"), st.h1)]
    if stats.triggers:
        rows = [[_("Suspected trigger (as reported)"), _("Attacks"), _("Share of attacks")]]
        rows += [
            [UserText(vocabulary_name(t.trigger, "trigger")), str(t.attacks), pct(t.share)]
            for t in stats.triggers
        ]
        out.append(data_table(rows, [200, 60, 80]))
    else:
        out.append(paragraph(_("No triggers were recorded."), st.body))
    if stats.exposures:
        heading = _("Attack days after daily factors (association, not cause)")
        out.append(paragraph(heading, st.h2))
        rows = [
            [
                _("Factor"),
                _("Exposed days (attack days)"),
                _("Other days (attack days)"),
                _("Rate ratio (95% interval)"),
            ]
        ]
        for e in stats.exposures:
            ratio = (
                f"{num(e.ratio, 2)} ({num(e.ci_low, 2)}-{num(e.ci_high, 2)})"
                if e.enough_data
                else _("not enough data")
            )
            rows.append(
                [
                    markup(exposure_words(e.factor, e.definition)),
                    f"{e.exposed_days} ({e.exposed_attack_days})",
                    f"{e.unexposed_days} ({e.unexposed_attack_days})",
                    ratio,
                ]
            )
        out.append(data_table(rows, [width - 330, 110, 110, 110]))
    return out


def medication_section(diary: Diary, stats: Stats, width: float) -> list[Any]:
    """Acute-medication days by class against the ICHD-3 lines, medication effect, relief
    methods and treatments."""
    from reportlab.platypus import CondPageBreak, Spacer

    st = styles()
    out: list[Any] = [CondPageBreak(250), paragraph(_("Medication and treatments"), st.h1)]
    if stats.months:
        out += [medication_chart(stats, width), Spacer(1, 6)]
    out.append(paragraph(_("Medication effect"), st.h2))
    if stats.medication_effect:
        rows = [
            [
                _("Medication"),
                _("Class"),
                _("Intakes"),
                _("Rated"),
                _("Good or complete relief"),
                _("Median minutes to intake"),
            ]
        ]
        for m in stats.medication_effect:
            rows.append(
                [
                    UserText(m.name),
                    markup(vocabulary_name(m.drug_class, "drug-class")),
                    str(m.intakes),
                    str(m.rated),
                    f"{m.good_or_complete} ({pct(m.good_or_complete_share)})",
                    num(m.median_minutes_to_intake, 0),
                ]
            )
        out.append(data_table(rows, [width - 350, 100, 45, 45, 85, 75]))
    else:
        out.append(paragraph(_("No medication intakes in this period."), st.body))
    out.append(paragraph(_("Relief methods"), st.h2))
    if stats.relief_methods:
        effects = EFFECT_KEYS
        rows = [[_("Method"), _("Uses"), *(effect_words(k) for k in effects)]]
        rows += [
            [
                UserText(vocabulary_name(r.method, "relief-method")),
                str(r.uses),
                *(str(r.effects.get(k, 0)) for k in effects),
            ]
            for r in stats.relief_methods
        ]
        out.append(data_table(rows, [width - 290, 40, 50, 50, 50, 50, 50]))
    else:
        out.append(paragraph(_("No relief methods were recorded."), st.body))
    out += _treatments(diary, stats.period_to, width)
    return out


def effect_words(effect: str) -> str:
    """A relief effect (``none``, ``some``, ``good``, ``complete``, ``unrated``) in words."""
    if effect == "unrated":
        return pgettext("relief effect", "unrated")
    return vocabulary_name(effect, "effect")


def _sessions(dates: list[date], last: date | None) -> str:
    """Session dates, those after the period's end marked ``(after the period)``."""
    if not dates:
        return "–"
    return joined(
        (
            fmt_date(d) + (_(" (after the period)") if last is not None and d > last else "")
            for d in sorted(dates)
        ),
        comma=True,
    )


def _treatments(diary: Diary, last: date | None, width: float) -> list[Any]:
    st = styles()
    out: list[Any] = [paragraph(_("Treatments"), st.h2)]
    if not diary.treatments:
        return [*out, paragraph(_("No treatments were recorded."), st.body)]
    rows = [[_("Treatment"), _("Type"), _("From"), _("To"), _("Sessions"), _("Notes")]]
    for t in diary.treatments:
        rows.append(
            [
                UserText(treatment_name(diary, t)),
                vocabulary_name(t.type, "treatment-type"),
                fmt_date(t.start),
                fmt_date(t.end),
                _sessions(list(t.dates), last),
                UserText(t.notes or ""),
            ]
        )
    out.append(data_table(rows, [100, 75, 52, 52, 110, width - 389]))
    return out


def questionnaires_section(stats: Stats, width: float) -> list[Any]:
    """Every MIDAS and HIT-6 result of the period, oldest first."""
    st = styles()
    out: list[Any] = [paragraph(_("Questionnaires"), st.h2)]
    if not stats.questionnaires:
        return [*out, paragraph(_("No questionnaires in this period."), st.body)]
    rows = [[_("Date"), _("Instrument"), _("Score"), _("Grade"), _("Meaning")]]
    rows += [
        [
            fmt_date(q.date),
            q.instrument,
            str(q.score),
            markup(grade_text(q.grade)),
            markup(band_words(q.band)),
        ]
        for q in sorted(stats.questionnaires, key=lambda q: q.date)
    ]
    out.append(data_table(rows, [60, 60, 40, 50, width - 210]))
    return out

"""The pages after page one: calendar, charts, twitching, triggers, medication and relief.

Every table here is built from :class:`~fhirmig.analysis.types.Stats`, so the report shows
exactly the figures ``fhirmig stats`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Diary
from fhirmig.diary.vocabulary import label
from fhirmig.report.calendar import calendar_flowables, legend_text
from fhirmig.report.charts import days_chart, intensity_chart, medication_chart
from fhirmig.report.fonts import BODY_FONT, has_cjk, markup
from fhirmig.report.rtl import has_rtl
from fhirmig.report.styles import (
    UserText,
    paragraph,
    styles,
    table_style,
    text_paragraph,
    wrap_plain,
)
from fhirmig.report.summary import grade_text

__all__ = ["calendar_section", "charts_section", "factors_section", "twitching_section"]

#: longer plain cells stay Paragraphs so that a row can continue on the next page
PLAIN_CELL_CHARS = 500


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Any:
    """A table of markup cells; short cells without markup stay plain strings (cheaper)."""
    from reportlab.platypus import Table

    st = styles()

    def cell(value: Any, row: int, width: float) -> Any:
        if isinstance(value, UserText):
            text = str(value)
            if row and not has_cjk(text) and len(text) <= PLAIN_CELL_CHARS:
                return wrap_plain(text, width - 6)
            return text_paragraph(text, st.cell, width - 6)
        if not isinstance(value, str):
            return value
        # our own markup; text in display order (markup() output) is never wrapped again
        plain_text = not ("<" in value or "&" in value or has_cjk(value) or has_rtl(value))
        if row and plain_text and len(value) <= PLAIN_CELL_CHARS:
            return wrap_plain(value, width - 6)
        # long text stays a Paragraph, which splitInRow can continue on the next page
        return paragraph(value, st.cell_bold if row == 0 else st.cell)

    cells = [
        [cell(c, r, w) for c, w in zip(row, widths, strict=True)] for r, row in enumerate(rows)
    ]
    # splitInRow: a row taller than a page (a long description) continues on the next
    table = Table(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitInRow=1)
    style = table_style()
    style.add("FONT", (0, 1), (-1, -1), BODY_FONT, 7, 8.4)
    table.setStyle(style)
    return table


def calendar_section(stats: Stats) -> list[Any]:
    """The headache calendar with its legend."""
    from reportlab.platypus import PageBreak

    st = styles()
    out: list[Any] = [PageBreak(), paragraph("Headache calendar", st.h1)]
    out.append(paragraph(markup(legend_text()), st.note))
    grids = calendar_flowables(stats.day_table)
    out += grids or [paragraph("No days in the period.", st.body)]
    return out


def charts_section(stats: Stats, width: float) -> list[Any]:
    """Headache/migraine days, medication days by class, peak intensity."""
    from reportlab.platypus import CondPageBreak, Spacer

    st = styles()
    out: list[Any] = [CondPageBreak(220), paragraph("Charts", st.h1)]
    if not stats.months:
        return [*out, paragraph("No months in the period.", st.body)]
    out += [days_chart(stats.months, width), Spacer(1, 8)]
    out += [medication_chart(stats.months, width), Spacer(1, 8)]
    out.append(intensity_chart(stats.day_table, width))
    rows: list[list[Any]] = [
        [
            "Month",
            "Days",
            "Headache days",
            "Migraine days",
            "Acute-med. days",
            "Overuse threshold",
            "Chronic frequency",
        ]
    ]
    for m in stats.months:
        judged = m.complete
        rows.append(
            [
                m.month + ("" if judged else " (part)"),
                str(m.days),
                str(m.headache_days),
                str(m.migraine_days),
                str(m.acute_medication_days),
                ("reached" if m.overuse_threshold_reached else "no") if judged else "not judged",
                ("reached" if m.chronic_frequency_reached else "no") if judged else "not judged",
            ]
        )
    out += [paragraph("Months one by one", st.h2), _table(rows, [70, 40, 65, 65, 65, 85, 85])]
    return out


#: Month lists longer than this become a year-by-month grid.
MONTH_LIST_ROWS = 25
#: Tables up to this tall (points) stand side by side; taller ones go one below the other,
#: where each can run over pages.
SIDE_BY_SIDE_HEIGHT = 400.0
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _year_grid(counts: dict[str, int], period_months: Sequence[str], width: float) -> Any:
    """Counts per ``YYYY-MM`` as one row per year and one column per month: months of the
    period without entries show 0, months outside it stay blank."""
    in_period = set(period_months)
    years = sorted({m[:4] for m in (*in_period, *counts)})
    rows: list[list[Any]] = [["Year", *MONTH_ABBR, "Total"]]
    for year in years:
        keys = [f"{year}-{n:02d}" for n in range(1, 13)]
        cells = [str(counts.get(k, 0)) if k in in_period or k in counts else "" for k in keys]
        rows.append([year, *cells, str(sum(counts.get(k, 0) for k in keys))])
    return _table(rows, [40, *([min(32.0, (width - 80) / 12)] * 12), 40])


def twitching_section(diary: Diary, stats: Stats, width: float) -> list[Any]:
    """Muscle twitching: how often, where, when, and in the patient's words."""
    from reportlab.platypus import CondPageBreak

    st = styles()
    out: list[Any] = [CondPageBreak(250), paragraph("Muscle twitching", st.h1)]
    tw = stats.twitching
    if tw is None or tw.attacks_with == 0:
        return [*out, paragraph("No muscle twitching was recorded in this period.", st.body)]
    out.append(
        paragraph(
            f"Twitching was recorded with <b>{tw.attacks_with} of {tw.attacks_total}</b> attacks "
            f"({_pct(tw.share)}). Mean peak intensity of attacks with twitching "
            f"<b>{_num(tw.mean_peak_with)}</b>, without <b>{_num(tw.mean_peak_without)}</b>.",
            st.body,
        )
    )
    sites = sorted(tw.by_site.items(), key=lambda kv: (-kv[1], kv[0]))
    onset = [(k, tw.onset.get(k, 0)) for k in ("before", "during", "after", "unknown")]
    onset = [(k, n) for k, n in onset if n or k in ("before", "during")]
    months = sorted(tw.episodes_per_month.items())
    rows = [["Body site", "Attacks"]] + [[UserText(label(s)), str(n)] for s, n in sites]
    rows2 = [["Onset relative to the attack", "Entries"]] + [[k, str(n)] for k, n in onset]
    rows3 = [["Month", "Entries"]] + [[m, str(n)] for m, n in months]
    tables = [_table(rows, [110, 45]), _table(rows2, [120, 45])]
    by_year = len(rows3) > MONTH_LIST_ROWS  # years of months: a year-by-month grid below
    if not by_year:
        tables.append(_table(rows3, [60, 45]))
    columns = [170, 180, width - 350][: len(tables)]
    tallest = max(t.wrap(w, 1e6)[1] for t, w in zip(tables, columns, strict=True))
    if tallest <= SIDE_BY_SIDE_HEIGHT:
        from reportlab.platypus import Table

        side = Table([tables], hAlign="LEFT", colWidths=columns)
        side.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        out.append(side)
    else:  # one below the other, so that each can run over pages
        from reportlab.platypus import Spacer

        for table in tables:
            out += [table, Spacer(1, 6)]
    if by_year:
        out.append(paragraph("Twitching entries per month", st.h2))
        out.append(_year_grid(tw.episodes_per_month, [m.month for m in stats.months], width))
    if tw.descriptions:
        out.append(paragraph("In the patient's words", st.h2))
        desc = [["Date", "Site", "Intensity", "Description"]]
        desc += [
            [
                d.day.isoformat(),
                UserText(label(d.location)),
                "–" if d.intensity is None else str(d.intensity),
                UserText(d.description or "–"),
            ]
            for d in tw.descriptions
        ]
        out.append(_table(desc, [55, 90, 45, width - 190]))
    return out


def factors_section(diary: Diary, stats: Stats, width: float) -> list[Any]:
    """Triggers, daily factors, medication effect, relief methods and treatments."""
    from reportlab.platypus import CondPageBreak

    st = styles()
    out: list[Any] = [CondPageBreak(250), paragraph("Triggers and daily factors", st.h1)]
    if stats.triggers:
        rows = [["Suspected trigger (as reported)", "Attacks", "Share of attacks"]]
        rows += [
            [UserText(label(t.trigger)), str(t.attacks), _pct(t.share)] for t in stats.triggers
        ]
        out.append(_table(rows, [200, 60, 80]))
    else:
        out.append(paragraph("No triggers were recorded.", st.body))
    if stats.exposures:
        out.append(paragraph("Attack days after daily factors (association, not cause)", st.h2))
        rows = [
            [
                "Factor",
                "Exposed days (attack days)",
                "Other days (attack days)",
                "Rate ratio (95% interval)",
            ]
        ]
        for e in stats.exposures:
            ratio = (
                f"{_num(e.ratio, 2)} ({_num(e.ci_low, 2)}-{_num(e.ci_high, 2)})"
                if e.enough_data
                else "not enough data"
            )
            rows.append(
                [
                    markup(e.definition),
                    f"{e.exposed_days} ({e.exposed_attack_days})",
                    f"{e.unexposed_days} ({e.unexposed_attack_days})",
                    ratio,
                ]
            )
        out.append(_table(rows, [width - 330, 110, 110, 110]))
    out.append(paragraph("Medication effect", st.h2))
    if stats.medication_effect:
        rows = [
            [
                "Medication",
                "Class",
                "Intakes",
                "Rated",
                "Good or complete relief",
                "Median minutes to intake",
            ]
        ]
        for m in stats.medication_effect:
            rows.append(
                [
                    UserText(m.name),
                    markup(label(m.drug_class)),
                    str(m.intakes),
                    str(m.rated),
                    f"{m.good_or_complete} ({_pct(m.good_or_complete_share)})",
                    _num(m.median_minutes_to_intake, 0),
                ]
            )
        out.append(_table(rows, [width - 350, 100, 45, 45, 85, 75]))
    else:
        out.append(paragraph("No medication intakes in this period.", st.body))
    out.append(paragraph("Relief methods", st.h2))
    if stats.relief_methods:
        effects = ("none", "some", "good", "complete", "unrated")
        rows = [["Method", "Uses", *effects]]
        rows += [
            [UserText(label(r.method)), str(r.uses), *(str(r.effects.get(k, 0)) for k in effects)]
            for r in stats.relief_methods
        ]
        out.append(_table(rows, [width - 290, 40, 50, 50, 50, 50, 50]))
    else:
        out.append(paragraph("No relief methods were recorded.", st.body))
    out += _treatments(diary, width)
    if stats.questionnaires:
        out.append(paragraph("Questionnaires", st.h2))
        rows = [["Date", "Instrument", "Score", "Grade", "Meaning"]]
        rows += [
            [
                q.date.isoformat(),
                q.instrument,
                str(q.score),
                markup(grade_text(q.grade)),
                markup(q.band),
            ]
            for q in sorted(stats.questionnaires, key=lambda q: q.date)
        ]
        out.append(_table(rows, [60, 60, 40, 50, width - 210]))
    return out


def _treatments(diary: Diary, width: float) -> list[Any]:
    st = styles()
    out: list[Any] = [paragraph("Treatments", st.h2)]
    if not diary.treatments:
        return [*out, paragraph("No treatments were recorded.", st.body)]
    rows = [["Treatment", "Type", "From", "To", "Sessions", "Notes"]]
    for t in diary.treatments:
        med = diary.medication(t.medication) if t.medication else None
        name = t.name or (med.name if med else label(t.type))
        sessions = ", ".join(d.isoformat() for d in t.dates) or "–"
        rows.append(
            [
                UserText(name),
                label(t.type),
                t.start.isoformat() if t.start else "–",
                t.end.isoformat() if t.end else "–",
                sessions,
                UserText(t.notes or ""),
            ]
        )
    out.append(_table(rows, [100, 75, 52, 52, 110, width - 389]))
    return out

"""The pages after page one: the headache calendar, the charts and muscle twitching.

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
from fhirmig.report.findings import sites_text
from fhirmig.report.fonts import markup
from fhirmig.report.styles import UserText, paragraph, styles, text_paragraph
from fhirmig.report.tables import data_table as _table
from fhirmig.report.tables import num as _num
from fhirmig.report.tables import pct as _pct

__all__ = ["calendar_section", "charts_section", "twitching_entries", "twitching_section"]


#: Room (points) the calendar needs to start on a page: its heading, legend and a month row.
CALENDAR_START = 260.0


def calendar_section(stats: Stats) -> list[Any]:
    """The headache calendar with its legend."""
    from reportlab.platypus import CondPageBreak

    st = styles()
    # after page one's continued topics the calendar may share page 2
    out: list[Any] = [CondPageBreak(CALENDAR_START), paragraph("Headache calendar", st.h1)]
    out.append(paragraph(markup(legend_text()), st.note))
    grids = calendar_flowables(stats.day_table)
    out += grids or [paragraph("No days in the period.", st.body)]
    return out


def charts_section(stats: Stats, width: float, *, medication: bool = False) -> list[Any]:
    """Headache and migraine days, peak intensity, and the months one by one.

    With ``medication`` the acute-medication chart stands here too (it is the medication
    section's own when that section is printed).
    """
    from reportlab.platypus import CondPageBreak, Spacer

    st = styles()
    out: list[Any] = [CondPageBreak(220), paragraph("Charts", st.h1)]
    if not stats.months:
        return [*out, paragraph("No months in the period.", st.body)]
    out += [days_chart(stats.months, width), Spacer(1, 8)]
    if medication:
        out += [medication_chart(stats, width), Spacer(1, 8)]
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


def twitching_section(
    diary: Diary, stats: Stats, width: float, *, in_appendix: bool = True
) -> list[Any]:
    """Muscle twitching summarised: how often, where, when relative to the attack, and per
    month. The entries in the patient's words are :func:`twitching_entries`, printed in
    Appendix A (``in_appendix``) or right after this section."""
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
            f"<b>{_num(tw.mean_peak_with)}</b>, without <b>{_num(tw.mean_peak_without)}</b>. "
            f"Most often at {markup(sites_text(tw.by_site)[0])}.",
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
    out += _trigger_table(stats, width)
    if tw.descriptions:
        where = "after the attack log in Appendix A" if in_appendix else "below"
        out.append(
            paragraph(
                f"The {len(tw.descriptions)} twitching entries in the patient's words are "
                f"listed {where}.",
                st.note,
            )
        )
    return out


def _trigger_table(stats: Stats, width: float) -> list[Any]:
    """Twitching attacks with and without each trigger, with the risk ratio where there is
    enough data (5 attacks with and 5 without the trigger)."""
    if not stats.twitching_triggers:
        return []
    st = styles()
    out: list[Any] = [paragraph("Twitching and triggers (association, not cause)", st.h2)]
    rows: list[list[Any]] = [
        [
            "Trigger (as reported)",
            "Attacks with it (with twitching)",
            "Attacks without it (with twitching)",
            "Risk ratio (95% interval)",
        ]
    ]
    for t in stats.twitching_triggers:
        ratio = "not enough data"
        if t.enough_data and t.risk_ratio is not None and t.ci95 is not None:
            ratio = f"{t.risk_ratio:.2f} ({t.ci95[0]:.2f}-{t.ci95[1]:.2f})"
            if t.associated:
                ratio += ", associated"
        rows.append(
            [
                UserText(label(t.trigger)),
                f"{t.with_trigger} ({t.with_twitching})",
                f"{t.without_trigger} ({t.without_twitching})",
                ratio,
            ]
        )
    out.append(_table(rows, [width - 360, 110, 120, 130]))
    return out


def twitching_entries(stats: Stats, width: float) -> list[Any]:
    """Every twitching entry of the period in the patient's words (date, site, intensity),
    in the attack log's lean table (years of entries stay linear in their number)."""
    from fhirmig.report.attack_log import entries_table

    tw = stats.twitching
    if tw is None or not tw.descriptions:
        return []
    st = styles()
    out: list[Any] = [paragraph("Twitching entries in the patient's words", st.h2)]
    from fhirmig.report.attack_log import NOTE_CELL_CHARS, NOTE_CELL_LINES

    rows = []
    long: list[tuple[str, str]] = []
    for d in tw.descriptions:
        text = (d.description or "–").strip()
        if len(text) > NOTE_CELL_CHARS or text.count("\n") >= NOTE_CELL_LINES:
            long.append((d.day.isoformat(), text))
            cut = "\n".join(text.split("\n")[:NOTE_CELL_LINES])[:NOTE_CELL_CHARS]
            text = cut + "… (in full after the table)"
        site = label(d.location)
        intensity = "–" if d.intensity is None else str(d.intensity)
        rows.append([d.day.isoformat(), site, intensity, text])
    widths = [60.0, 120.0, 45.0, width - 225]
    out.append(entries_table(["Date", "Site", "Intensity", "Description"], rows, widths))
    if long:
        out.append(paragraph("Long descriptions in full", st.h2))
        for day, text in long:
            out.append(paragraph(f"<b>{day}</b>", st.body))
            out.append(text_paragraph(text, st.body, width))
    return out

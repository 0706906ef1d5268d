"""The pages after page one: the headache calendar, the charts and muscle twitching.

Every table here is built from :class:`~fhirmig.analysis.types.Stats`, so the report shows
exactly the figures ``fhirmig stats`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Diary
from fhirmig.report.attack_text import sites_text
from fhirmig.report.calendar import calendar_flowables, legend_text
from fhirmig.report.charts import days_chart, intensity_chart, medication_chart
from fhirmig.report.fonts import markup
from fhirmig.report.i18n import _, fmt_date, fmt_month, ngettext, pgettext, vocabulary_name
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
    out: list[Any] = [CondPageBreak(CALENDAR_START), paragraph(_("Headache calendar"), st.h1)]
    out.append(paragraph(markup(legend_text()), st.note))
    grids = calendar_flowables(stats.day_table)
    out += grids or [paragraph(_("No days in the period."), st.body)]
    return out


def charts_section(stats: Stats, width: float, *, medication: bool = False) -> list[Any]:
    """Headache and migraine days, peak intensity, and the months one by one.

    With ``medication`` the acute-medication chart stands here too (it is the medication
    section's own when that section is printed).
    """
    from reportlab.platypus import CondPageBreak, Spacer

    st = styles()
    out: list[Any] = [CondPageBreak(220), paragraph(_("Charts"), st.h1)]
    if not stats.months:
        return [*out, paragraph(_("No months in the period."), st.body)]
    out += [days_chart(stats.months, width), Spacer(1, 8)]
    if medication:
        out += [medication_chart(stats, width), Spacer(1, 8)]
    out.append(intensity_chart(stats.day_table, width))
    rows: list[list[Any]] = [
        [
            _("Month"),
            _("Days"),
            _("Headache days"),
            _("Migraine days"),
            _("Acute-med. days"),
            _("Overuse threshold"),
            _("Chronic frequency"),
        ]
    ]
    for m in stats.months:
        judged = m.complete
        rows.append(
            [
                fmt_month(m.month) + ("" if judged else _(" (part)")),
                str(m.days),
                str(m.headache_days),
                str(m.migraine_days),
                str(m.acute_medication_days),
                _verdict(m.overuse_threshold_reached, judged),
                _verdict(m.chronic_frequency_reached, judged),
            ]
        )
    out += [paragraph(_("Months one by one"), st.h2), _table(rows, [70, 40, 65, 65, 65, 85, 85])]
    return out


def _verdict(reached: bool, judged: bool) -> str:
    if not judged:
        return pgettext("threshold", "not judged")
    return pgettext("threshold", "reached") if reached else pgettext("threshold", "no")


#: Month lists longer than this become a year-by-month grid.
MONTH_LIST_ROWS = 25
#: Tables up to this tall (points) stand side by side; taller ones go one below the other,
#: where each can run over pages.
SIDE_BY_SIDE_HEIGHT = 400.0


def _year_grid(counts: dict[str, int], period_months: Sequence[str], width: float) -> Any:
    """Counts per ``YYYY-MM`` as one row per year and one column per month: months of the
    period without entries show 0, months outside it stay blank."""
    in_period = set(period_months)
    years = sorted({m[:4] for m in (*in_period, *counts)})
    from babel.dates import get_month_names

    from fhirmig.report.i18n import current_language

    names = get_month_names("abbreviated", context="stand-alone", locale=current_language())
    rows: list[list[Any]] = [[_("Year"), *(str(names[n]) for n in range(1, 13)), _("Total")]]
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
    out: list[Any] = [CondPageBreak(250), paragraph(_("Muscle twitching"), st.h1)]
    tw = stats.twitching
    if tw is None or tw.attacks_with == 0:
        return [*out, paragraph(_("No muscle twitching was recorded in this period."), st.body)]
    summary = _(
        "Twitching was recorded with <b>{count} of {total}</b> attacks ({share}). Mean peak "
        "intensity of attacks with twitching <b>{with_twitching}</b>, without "
        "<b>{without_twitching}</b>. Most often at {sites}."
    ).format(
        count=tw.attacks_with,
        total=tw.attacks_total,
        share=_pct(tw.share),
        with_twitching=_num(tw.mean_peak_with),
        without_twitching=_num(tw.mean_peak_without),
        sites=markup(sites_text(tw.by_site)[0]),
    )
    out.append(paragraph(summary, st.body))
    sites = sorted(tw.by_site.items(), key=lambda kv: (-kv[1], kv[0]))
    onset = [(k, tw.onset.get(k, 0)) for k in ("before", "during", "after", "unknown")]
    onset = [(k, n) for k, n in onset if n or k in ("before", "during")]
    months = sorted(tw.episodes_per_month.items())
    rows = [[_("Body site"), _("Attacks")]]
    rows += [[UserText(vocabulary_name(s, "body-site")), str(n)] for s, n in sites]
    rows2 = [[_("Onset relative to the attack"), _("Entries")]]
    rows2 += [[_onset(k), str(n)] for k, n in onset]
    rows3 = [[_("Month"), _("Entries")]] + [[fmt_month(m), str(n)] for m, n in months]
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
        out.append(paragraph(_("Twitching entries per month"), st.h2))
        out.append(_year_grid(tw.episodes_per_month, [m.month for m in stats.months], width))
    out += _trigger_table(stats, width)
    if tw.descriptions:
        count = len(tw.descriptions)
        if in_appendix:
            text = ngettext(
                "The {count} twitching entry in the patient's words is listed after the "
                "attack log in Appendix A.",
                "The {count} twitching entries in the patient's words are listed after the "
                "attack log in Appendix A.",
                count,
            )
        else:
            text = ngettext(
                "The {count} twitching entry in the patient's words is listed below.",
                "The {count} twitching entries in the patient's words are listed below.",
                count,
            )
        out.append(paragraph(text.format(count=count), st.note))
    return out


def _onset(key: str) -> str:
    """A twitching onset (``before``, ``during``, ...) in the current language."""
    words = {
        "before": pgettext("twitching onset", "before"),
        "during": pgettext("twitching onset", "during"),
        "after": pgettext("twitching onset", "after"),
        "unknown": pgettext("twitching onset", "unknown"),
    }
    return words.get(key, key)


def _trigger_table(stats: Stats, width: float) -> list[Any]:
    """Twitching attacks with and without each trigger, with the risk ratio where there is
    enough data (5 attacks with and 5 without the trigger)."""
    if not stats.twitching_triggers:
        return []
    st = styles()
    out: list[Any] = [paragraph(_("Twitching and triggers (association, not cause)"), st.h2)]
    rows: list[list[Any]] = [
        [
            _("Trigger (as reported)"),
            _("Attacks with it (with twitching)"),
            _("Attacks without it (with twitching)"),
            _("Risk ratio (95% interval)"),
        ]
    ]
    for t in stats.twitching_triggers:
        ratio = _("not enough data")
        if t.enough_data and t.risk_ratio is not None and t.ci95 is not None:
            ratio = f"{_num(t.risk_ratio, 2)} ({_num(t.ci95[0], 2)}-{_num(t.ci95[1], 2)})"
            if t.associated:
                ratio += _(", associated")
        rows.append(
            [
                UserText(vocabulary_name(t.trigger, "trigger")),
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
    out: list[Any] = [paragraph(_("Twitching entries in the patient's words"), st.h2)]
    from fhirmig.report.attack_log import NOTE_CELL_CHARS, NOTE_CELL_LINES

    rows = []
    long: list[tuple[str, str]] = []
    for d in tw.descriptions:
        text = (d.description or "–").strip()
        if len(text) > NOTE_CELL_CHARS or text.count("\n") >= NOTE_CELL_LINES:
            long.append((fmt_date(d.day), text))
            cut = "\n".join(text.split("\n")[:NOTE_CELL_LINES])[:NOTE_CELL_CHARS]
            text = cut + _("… (in full after the table)")
        site = vocabulary_name(d.location, "body-site")
        intensity = "–" if d.intensity is None else str(d.intensity)
        rows.append([fmt_date(d.day), site, intensity, text])
    widths = [60.0, 120.0, 45.0, width - 225]
    titles = [_("Date"), _("Site"), _("Intensity"), _("Description")]
    out.append(entries_table(titles, rows, widths))
    if long:
        out.append(paragraph(_("Long descriptions in full"), st.h2))
        for day, text in long:
            out.append(paragraph(f"<b>{day}</b>", st.body))
            out.append(text_paragraph(text, st.body, width))
    return out

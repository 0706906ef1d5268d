"""Page one of the report: the questions of the visit, answered in a two-minute read.

In this order: who and which period; the key figures with the previous period beside
them (per 28 days, and the change); the threshold patterns worded per ICHD-3; treatment
response, questionnaires, attack profile, muscle twitching and the menstrual pattern; then
the topics to discuss, ranked. Page one always fits one page: the topics that do not fit
follow on page 2, and page one says how many (none is ever dropped). Threshold checks are
worded as patterns for discussion, never as a diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Diary
from fhirmig.report.attack_text import profile_lines, twitching_lines
from fhirmig.report.findings import (
    class_words,
    coverage_text,
    grade_text,
    menstrual_lines,
    questionnaire_lines,
    threshold_lines,
)
from fhirmig.report.fonts import SOFT_HYPHEN, markup
from fhirmig.report.i18n import (
    _,
    fmt_date,
    joined,
    ngettext,
    npgettext,
    qualified,
)
from fhirmig.report.messages import message
from fhirmig.report.page_text import (
    class_label,
    condition_text,
    figure_rows,
    not_counted_text,
    patient_name,
    period_text,
    previous_recorded,
    treatments_text,
)
from fhirmig.report.profile import AttackProfile
from fhirmig.report.response import response_lines
from fhirmig.report.styles import paragraph, styles, table_style, text_paragraph
from fhirmig.report.topics import Topic, ranked_topics

__all__ = [
    "class_label",
    "class_words",
    "condition_text",
    "figure_rows",
    "grade_text",
    "label_width",
    "not_counted_text",
    "page_one",
    "patient_name",
    "period_text",
    "treatments_text",
]

#: Identifiers listed on page one; a note says how many more the diary has.
PAGE_ONE_IDENTIFIERS = 5
#: Points kept free at the foot of page one (rounding in the measured heights).
FIT_MARGIN = 8.0


def _who(diary: Diary, stats: Stats, generated: date | None, width: float) -> Any:
    from reportlab.platypus import Table

    st = styles()
    p = diary.patient
    shown = p.identifiers[:PAGE_ONE_IDENTIFIERS]
    ids = joined(qualified(i.value, i.system) for i in shown) or "–"
    if len(p.identifiers) > len(shown):
        ids += _("; and {count} more").format(count=len(p.identifiers) - len(shown))
    lab = label_width(
        [
            _("Patient"),
            _("Period"),
            _("Diary kept"),
            _("Identifiers"),
            _("Diagnoses, as reported"),
            _("Treatments, as reported"),
        ],
        72.0,
    )
    narrow = label_width([_("Birth date"), _("Generated")], 58.0)
    wide = width - lab
    half = width / 2 - lab
    days = stats.days_in_period
    period = npgettext(
        "period", "{period} ({count} day, {timezone})", "{period} ({count} days, {timezone})", days
    ).format(period=period_text(stats), count=days, timezone=p.timezone)
    diagnoses = joined(condition_text(c) for c in diary.conditions) or _("none recorded")
    treatments = treatments_text(diary, stats.period_to) or _("none recorded")

    def key(text: str) -> Any:
        return paragraph(text, st.label)

    rows = [
        [
            key(_("Patient")),
            text_paragraph(patient_name(diary), st.who_bold, half - 6),
            key(_("Birth date")),
            paragraph(fmt_date(p.birth_date), st.who),
        ],
        [
            key(_("Period")),
            text_paragraph(period, st.who, half - 6),
            key(_("Generated")),
            paragraph(fmt_date(generated, _("not stated")), st.who),
        ],
        [key(_("Diary kept")), paragraph(coverage_text(stats), st.who), "", ""],
        [key(_("Identifiers")), text_paragraph(ids, st.who, wide - 6), "", ""],
        [key(_("Diagnoses, as reported")), text_paragraph(diagnoses, st.who, wide - 6), "", ""],
        [
            key(_("Treatments, as reported")),
            text_paragraph(treatments, st.who, wide - 6),
            "",
            "",
        ],
    ]
    # splitInRow: a very long name still lays out, running over to the next page
    table = Table(rows, colWidths=[lab, half, narrow, width / 2 - narrow], splitInRow=1)
    style = table_style(0, zebra=False)
    for row in range(2, len(rows)):
        style.add("SPAN", (1, row), (3, row))
    table.setStyle(style)
    return table


def _figures(diary: Diary, stats: Stats, width: float) -> list[Any]:
    from reportlab.platypus import Table

    st = styles()
    compare = previous_recorded(stats)
    head = ["", _("This period"), _("Per 28 days")]
    if compare:
        head += [_("Previous period, per 28 days"), _("Change")]
    # a figure column is as wide as its heading on one line, within bounds
    columns = [
        label_width([text], low, whole=True, highest=high)
        for text, low, high in zip(
            head[1:], (75.0, 75.0, 90.0, 60.0), (95.0, 95.0, 90.0, 75.0), strict=False
        )
    ]
    widths = [width - sum(columns), *columns]
    data: list[list[Any]] = [[paragraph(h, st.label) for h in head]]
    for name, total, per, before, change in figure_rows(stats, compare):
        cells = [
            paragraph(markup(name), st.key),
            paragraph(str(total), st.key_bold),
            paragraph(per, st.key),
        ]
        if compare:
            cells += [paragraph(before, st.key), paragraph(change, st.key)]
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style())
    out: list[Any] = [table]
    prev = stats.previous
    if compare and prev is not None:
        out.append(
            paragraph(
                _(
                    "Previous period: {period}, the {days} days just before this one "
                    "({coverage}). Change: this period minus the previous one, per 28 days."
                ).format(
                    period=period_text(prev), days=prev.days_in_period, coverage=coverage_text(prev)
                ),
                st.note,
            )
        )
    elif prev is not None:
        out.append(paragraph(_("The diary holds nothing for the period before this one."), st.note))
    return out


def _findings(rows: Sequence[tuple[str, Sequence[str]]], width: float) -> Any:
    from reportlab.platypus import Table

    st = styles()
    lab = label_width([name for name, _lines in rows], 92.0)
    data = [
        [paragraph(name, st.label), [paragraph(line, st.finding) for line in lines]]
        for name, lines in rows
    ]
    table = Table(data, colWidths=[lab, width - lab], hAlign="LEFT", splitInRow=1)
    style = table_style(0, zebra=False)
    style.add("LINEBELOW", (0, 0), (-1, -2), 0.3, "#c8c8c8")
    table.setStyle(style)
    return table


def label_width(
    texts: Sequence[str], lowest: float, *, whole: bool = False, highest: float = 120.0
) -> float:
    """The width of a label column: ``lowest``, or more so that no word of ``texts`` (each
    text whole, with ``whole``) is broken in the bold label font, up to ``highest``.

    Languages with long compound words (German ``Behandlungen``) get the room they need;
    English keeps the widths page one was laid out for.
    """
    from fhirmig.report.fonts import BOLD_FONT, text_width

    size = styles().label.fontSize
    pieces = [
        piece
        for text in texts
        for piece in ([text.replace(SOFT_HYPHEN, "")] if whole else _words(text))
    ]
    widest = max((text_width(piece, BOLD_FONT, size) for piece in pieces), default=0.0)
    return min(max(lowest, widest + 6.5), max(highest, lowest))


def _words(text: str) -> list[str]:
    """The pieces a label may break between: at spaces and at soft hyphens."""
    return [piece for piece in re.split(f"[\\s{SOFT_HYPHEN}]+", text) if piece]


def _height(flowables: Sequence[Any], width: float) -> float:
    total = 0.0
    for f in flowables:
        total += f.wrap(width, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def page_one(
    diary: Diary,
    stats: Stats,
    profile: AttackProfile,
    generated: date | None,
    width: float,
    height: float,
) -> list[Any]:
    """The flowables of page one (``width`` x ``height``: the page's frame), and after a
    page break the topics that did not fit, if any; a page break ends them."""
    from reportlab.platypus import PageBreak, Spacer

    st = styles()
    head: list[Any] = [paragraph(_("Headache diary report"), st.title), Spacer(1, 3)]
    head.append(_who(diary, stats, generated, width))
    head += [paragraph(_("Key figures"), st.h2), *_figures(diary, stats, width)]
    not_counted = not_counted_text(diary, stats)
    if not_counted:
        head.append(text_paragraph(not_counted, st.body, width))
    rows: list[tuple[str, Sequence[str]]] = [
        (_("Threshold patterns (for discussion)"), threshold_lines(stats)),
        (_("Treatment response"), [markup(line) for line in response_lines(diary, stats)]),
        (_("Questionnaires"), questionnaire_lines(stats)),
        (_("Attack profile"), profile_lines(profile)),
        (_("Muscle twitching"), twitching_lines(stats)),
    ]
    menstrual = menstrual_lines(stats)
    if menstrual:
        rows.append((_("Menstrual pattern"), menstrual))
    head += [Spacer(1, 6), _findings(rows, width)]
    head.append(paragraph(_("Topics to discuss"), st.h2))
    topics = ranked_topics(diary, stats, profile)
    shown, rest = _fit(head, topics, width, height)
    out = head + [_topic(t, width) for t in shown]
    if rest:
        out.append(paragraph(_more_topics(len(rest)), st.note))
        out += [PageBreak(), paragraph(message("topic.more_heading"), st.h2)]
        out += [_topic(t, width) for t in rest]
    return [*out, PageBreak()]  # page one stays one page; what follows starts on page 2


def _more_topics(count: int) -> str:
    return ngettext(
        "… and {count} more topic on page {page}.",
        "… and {count} more topics on page {page}.",
        count,
    ).format(count=count, page=2)


def _topic(topic: Topic, width: float) -> Any:
    return text_paragraph(topic.text, styles().bullet, width, bulletText="•")


def _fit(
    head: Sequence[Any], topics: Sequence[Topic], width: float, height: float
) -> tuple[list[Topic], list[Topic]]:
    """The topics that fit under ``head`` on one page, and the rest (never reordered)."""
    st = styles()
    room = height - FIT_MARGIN - _height(head, width)
    more = paragraph(_more_topics(99), st.note)
    used = 0.0
    for n, topic in enumerate(topics):
        need = _height([_topic(topic, width)], width)
        last = n == len(topics) - 1
        footer = 0.0 if last else _height([more], width)
        if used + need + footer > room:
            return list(topics[:n]), list(topics[n:])
        used += need
    return list(topics), []

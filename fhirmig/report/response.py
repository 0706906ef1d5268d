"""Treatment response: a preventive's effect, baseline against weeks 9-12, as payers read it.

For every preventive medication or botulinum toxin with a start, ``fhirmig stats`` compares
the 28 days before the start (baseline) with days 57 to 84 of treatment (weeks 9-12, the
window of preventive trials and of payers' 3-month reviews), and states whether the
migraine days fell by 50, 75 and 100 percent. This module words those figures for page
one, lays out the section, and picks the attacks of the windows for a payer's log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhirmig.analysis.types import ResponseWindow, Stats, TreatmentResponse
from fhirmig.diary.model import Attack, Diary
from fhirmig.report.i18n import N_, _, fmt_date, joined, ngettext, pgettext
from fhirmig.report.messages import message
from fhirmig.report.styles import paragraph, styles, text_paragraph
from fhirmig.report.topics import change_words

__all__ = [
    "RESPONDER_LEVELS",
    "response_lines",
    "response_section",
    "review_attacks",
    "treatment_label",
]

#: The responder thresholds payers use, in percent of the baseline's migraine days.
RESPONDER_LEVELS: tuple[str, ...] = ("50", "75", "100")


def treatment_label(diary: Diary, response: TreatmentResponse) -> str:
    """The treatment's name as written, else its medication's, else its id."""
    for t in diary.treatments:
        if t.id == response.treatment:
            med = diary.medication(t.medication) if t.medication else None
            return t.name or (med.name if med else t.id)
    return response.name or response.treatment


def _responders(response: TreatmentResponse) -> str:
    reached = response.responder or {}
    words = [
        _("{level}%: {answer}").format(
            level=level,
            answer=pgettext("responder", "yes")
            if reached.get(level)
            else pgettext("responder", "no"),
        )
        for level in RESPONDER_LEVELS
    ]
    return joined(words, comma=True)


def _reason(reason: str | None) -> str:
    """The reason a response is not assessed (a contract value of ``stats``, in English),
    in the current language."""
    known = {
        "baseline outside the period": N_("baseline outside the period"),
        "assessment outside the period": N_("assessment outside the period"),
        "ended before the assessment": N_("ended before the assessment"),
        "too few recorded days in the baseline": N_("too few recorded days in the baseline"),
        "too few recorded days in the assessment": N_("too few recorded days in the assessment"),
    }
    text = reason or ""
    return _(known[text]) if text in known else text


def response_line(diary: Diary, response: TreatmentResponse) -> str:
    """One treatment's response in words (plain text)."""
    name = treatment_label(diary, response)
    start = fmt_date(response.start)
    if not response.assessable:
        reason = _reason(response.reason)
        return message("response.not_assessable", name=name, start=start, reason=reason)
    base, late = response.baseline, response.assessment
    if response.migraine_day_reduction_percent is None:
        return message(
            "response.no_baseline",
            name=name,
            start=start,
            after=late.migraine_days,
        )
    change = response.migraine_day_reduction_percent
    return message(
        "response.assessed",
        name=name,
        start=start,
        before=base.migraine_days,
        after=late.migraine_days,
        change=change_words(change),
        responders=_responders(response),
    )


def response_lines(diary: Diary, stats: Stats) -> list[str]:
    """Page one's treatment-response lines (plain text)."""
    if not stats.treatment_response:
        return [message("response.none")]
    return [response_line(diary, r) for r in stats.treatment_response]


def _window_row(name: str, window: ResponseWindow) -> list[str]:
    def count(value: int | None) -> str:
        return "–" if value is None else str(value)

    return [
        name,
        fmt_date(window.first),
        fmt_date(window.last),
        count(window.recorded_days),
        count(window.migraine_days),
        count(window.headache_days),
        count(window.acute_medication_days),
    ]


def response_section(diary: Diary, stats: Stats, width: float) -> list[Any]:
    """The treatment-response section: each treatment's two windows and its result."""
    from reportlab.platypus import CondPageBreak, Spacer

    from fhirmig.report.tables import data_table

    st = styles()
    out: list[Any] = [CondPageBreak(200), paragraph(_("Treatment response"), st.h1)]
    out.append(paragraph(message("response.method"), st.note))
    if not stats.treatment_response:
        return [*out, paragraph(message("response.none"), st.body)]
    head = [_("Window"), _("From"), _("To"), _("Recorded days"), _("Migraine days")]
    head += [_("Headache days"), _("Acute-med. days")]
    for response in stats.treatment_response:
        out.append(paragraph(treatment_label_markup(diary, response), st.h2))
        rows = [
            head,
            _window_row(_("Baseline (28 days before)"), response.baseline),
            _window_row(_("Weeks 9-12 (days 57-84)"), response.assessment),
        ]
        out += [data_table(rows, [width - 390, 62, 62, 64, 64, 64, 74]), Spacer(1, 4)]
        out.append(text_paragraph(response_line(diary, response), st.body, width))
    return out


def treatment_label_markup(diary: Diary, response: TreatmentResponse) -> str:
    """The section heading of one treatment (escaped)."""
    from fhirmig.report.fonts import markup

    if response.type == "botulinum-toxin":
        text = _("{name} (botulinum toxin, from {start})")
    else:
        text = _("{name} (preventive medication, from {start})")
    return text.format(
        name=markup(treatment_label(diary, response)), start=fmt_date(response.start)
    )


def review_attacks(
    diary: Diary, stats: Stats, attacks: Sequence[Attack]
) -> tuple[list[Attack], str]:
    """The attacks of the treatment-response windows (baseline and weeks 9-12) a payer's
    review reads, and words for them; every attack of the period when no window lies in
    it."""
    windows = [
        (w.first, w.last)
        for r in stats.treatment_response
        for w in (r.baseline, r.assessment)
        if w.inside
    ]
    if not windows:
        return list(attacks), _("of the period (no treatment-response window lies in it)")
    tz = diary.patient.tz
    chosen = [
        a
        for a in attacks
        if any(first <= a.start.astimezone(tz).date() <= last for first, last in windows)
    ]
    names = joined(sorted({treatment_label(diary, r) for r in stats.treatment_response}))
    scope = ngettext(
        "in the {count} treatment-response window ({names})",
        "in the {count} treatment-response windows ({names})",
        len(windows),
    )
    return chosen, scope.format(count=len(windows), names=names)

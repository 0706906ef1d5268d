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
from fhirmig.report.messages import message, plural
from fhirmig.report.styles import paragraph, styles

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
    words = [f"{level}%: {'yes' if reached.get(level) else 'no'}" for level in RESPONDER_LEVELS]
    return ", ".join(words)


def response_line(diary: Diary, response: TreatmentResponse) -> str:
    """One treatment's response in words (plain text)."""
    name = treatment_label(diary, response)
    start = response.start.isoformat()
    if not response.assessable:
        return message("response.not_assessable", name=name, start=start, reason=response.reason)
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
        change=f"{'fell by' if change >= 0 else 'rose by'} {abs(change):.1f}%",
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
        window.first.isoformat(),
        window.last.isoformat(),
        count(window.recorded_days),
        count(window.migraine_days),
        count(window.headache_days),
        count(window.acute_medication_days),
    ]


def response_section(diary: Diary, stats: Stats, width: float) -> list[Any]:
    """The treatment-response section: each treatment's two windows and its result."""
    from reportlab.platypus import CondPageBreak

    from fhirmig.report.tables import data_table

    st = styles()
    out: list[Any] = [CondPageBreak(200), paragraph("Treatment response", st.h1)]
    out.append(paragraph(message("response.method"), st.note))
    if not stats.treatment_response:
        return [*out, paragraph(message("response.none"), st.body)]
    head = ["Window", "From", "To", "Recorded days", "Migraine days", "Headache days"]
    head.append("Acute-medication days")
    for response in stats.treatment_response:
        out.append(paragraph(treatment_label_markup(diary, response), st.h2))
        rows = [
            head,
            _window_row("Baseline (28 days before)", response.baseline),
            _window_row("Weeks 9-12 (days 57-84)", response.assessment),
        ]
        out.append(data_table(rows, [width - 390, 62, 62, 64, 64, 64, 74]))
        from fhirmig.report.styles import text_paragraph

        out.append(text_paragraph(response_line(diary, response), st.body, width))
    return out


def treatment_label_markup(diary: Diary, response: TreatmentResponse) -> str:
    """The section heading of one treatment (escaped)."""
    from fhirmig.report.fonts import markup

    kind = "botulinum toxin" if response.type == "botulinum-toxin" else "preventive medication"
    return f"{markup(treatment_label(diary, response))} ({kind}, from {response.start})"


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
        return list(attacks), "of the period (no treatment-response window lies in it)"
    tz = diary.patient.tz
    chosen = [
        a
        for a in attacks
        if any(first <= a.start.astimezone(tz).date() <= last for first, last in windows)
    ]
    names = "; ".join(sorted({treatment_label(diary, r) for r in stats.treatment_response}))
    unit = plural(len(windows), "window")
    return chosen, f"in the {len(windows)} treatment-response {unit} ({names})"

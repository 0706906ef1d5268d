"""Appendix A: every attack of the period as a table row, header repeated on each page.

The log is one :class:`~fhirmig.report.log_table.LogTable`, whose cost grows linearly with
its rows (a reportlab ``Table`` lays out the rest of itself again at every page break).
Notes longer than :data:`NOTE_CELL_CHARS` characters or :data:`NOTE_CELL_LINES` lines are
cut in the table (a table row cannot run over a page) and printed in full after it. Cells
are plain text wrapped here (a Paragraph per cell costs several times more); only text
with CJK characters, which needs a second font, becomes a Paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from fhirmig.diary.model import Attack, Diary
from fhirmig.report.fonts import BODY_FONT, BOLD_FONT, has_cjk, markup
from fhirmig.report.i18n import N_, _, fmt_date, joined, ngettext, pgettext, vocabulary_name
from fhirmig.report.profile import duration_text
from fhirmig.report.styles import (
    HEADER_FILL,
    INK,
    RULE,
    STRIPE,
    paragraph,
    styles,
    text_paragraph,
    wrap_plain,
)
from fhirmig.report.therapy import effect_words

__all__ = ["COLUMNS", "NOTE_CELL_CHARS", "attack_log", "attacks_in_period", "entries_table"]

CELL_SIZE = 7.0
PADDING = 3.0
NOTE_CELL_CHARS = 600
NOTE_CELL_LINES = 10
CELL_CHARS = 700  # above NOTE_CELL_CHARS, so a cut note keeps its pointer
CELL_LINES = 30
#: (title, share of the width)
COLUMNS: tuple[tuple[str, float], ...] = (
    (N_("Start"), 0.085),
    (N_("Duration"), 0.06),
    (N_("Intensity"), 0.058),
    (N_("Locations"), 0.10),
    (N_("Symptoms"), 0.12),
    (N_("Twitching"), 0.12),
    (N_("Triggers"), 0.10),
    (N_("Medication and relief"), 0.175),
    (N_("Notes"), 0.182),
)


def attacks_in_period(diary: Diary, start: date | None, end: date | None) -> list[Attack]:
    """Attacks whose start day (patient's zone) lies in the period, in time order."""
    tz = diary.patient.tz
    chosen = [
        a
        for a in diary.attacks
        if (start is None or a.start.astimezone(tz).date() >= start)
        and (end is None or a.start.astimezone(tz).date() <= end)
    ]
    return sorted(chosen, key=lambda a: (a.start, a.id))


def _duration(attack: Attack) -> str:
    return duration_text(attack.duration)


def _kind(kind: str) -> str:
    """An attack's kind (other than migraine) in the current language."""
    words = {
        "headache": pgettext("attack kind", "headache"),
        "aura-only": pgettext("attack kind", "aura-only"),
        "tension": pgettext("attack kind", "tension"),
        "cluster": pgettext("attack kind", "cluster"),
    }
    return words.get(kind, kind)


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return moment.astimezone(tz)


def _spans_days(attack: Attack, tz: tzinfo) -> bool:
    """Whether the attack (or one of its intakes) runs past its start day."""
    first = _local(attack.start, tz).date()
    end = attack.effective_end
    if end is not None and _local(end, tz).date() > first:
        return True
    return any(
        i.taken is not None and _local(i.taken, tz).date() != first for i in attack.medications
    )


def _medication(diary: Diary, attack: Attack, tz: tzinfo) -> str:
    """Intakes and relief methods; an intake time carries its date when the attack runs
    over more than one day (a 3-day attack's 08:00 alone would be ambiguous)."""
    parts: list[str] = []
    dated = _spans_days(attack, tz)
    for intake in attack.medications:
        med = diary.medication(intake.medication)
        text = med.name if med else intake.medication
        if intake.dose and intake.dose not in text:  # "Rizatriptan 10 mg" with dose "10 mg"
            text += f" {intake.dose}"
        if intake.taken:
            taken = _local(intake.taken, tz)
            text += f" {fmt_date(taken.date())} {taken:%H:%M}" if dated else f" {taken:%H:%M}"
        if intake.relief:
            text += f" ({effect_words(intake.relief)})"
        parts.append(text)
    for use in attack.relief_methods:
        name = vocabulary_name(use.method, "relief-method")
        parts.append(name + (f" ({effect_words(use.effect)})" if use.effect else ""))
    return joined(parts) or "–"


def _words(keys: Sequence[str], table: str) -> str:
    """Vocabulary keys as words: ``right-temple, lack-of-sleep`` -> ``right temple, ...``."""
    return joined((vocabulary_name(k, table) for k in keys), comma=True) or "–"


def _twitching(attack: Attack) -> str:
    items = []
    for t in attack.twitching:
        text = vocabulary_name(t.location, "body-site")
        if t.intensity is not None:
            text += f" {t.intensity}/10"
        if t.description:
            text += f": {t.description}"
        items.append(text)
    return joined(items) or "–"


def _cell(text: str, width: float) -> Any:
    """A table cell: plain wrapped text (fast), or a Paragraph for scripts needing CJK fonts.

    Plain strings are never parsed as markup, so ``<b>`` or ``&`` in them print as typed.
    Text beyond CELL_CHARS characters or CELL_LINES lines is cut with "…", so that one row
    always fits on a page.
    """
    if len(text) > CELL_CHARS:
        text = text[:CELL_CHARS] + "…"
    if has_cjk(text):
        cell = text_paragraph(text, styles().cell, width)
        while cell.wrap(width, 1e6)[1] > CELL_LINES * CELL_SIZE * 1.2 and len(text) > 2:
            text = text[: len(text) // 2] + "…"
            cell = text_paragraph(text, styles().cell, width)
        return cell
    lines = wrap_plain(text, width, CELL_SIZE).split("\n")
    if len(lines) > CELL_LINES:
        lines = [*lines[: CELL_LINES - 1], "…"]
    return "\n".join(lines)


def _row(
    diary: Diary, attack: Attack, tz: tzinfo, widths: Sequence[float], long_notes: list[Attack]
) -> list[Any]:
    start = _local(attack.start, tz)
    notes = (attack.notes or "").strip()
    if len(notes) > NOTE_CELL_CHARS or notes.count("\n") >= NOTE_CELL_LINES:
        long_notes.append(attack)
        cut = "\n".join(notes.split("\n")[:NOTE_CELL_LINES])[:NOTE_CELL_CHARS]
        notes = cut + _("… (in full after the table)")
    kind = "" if attack.kind == "migraine" else f" {_kind(attack.kind)}"
    aura = " " + pgettext("attack log", "aura") if attack.aura else ""
    cells = [
        f"{fmt_date(start.date())}\n{start:%H:%M}{kind}{aura}",
        _duration(attack),
        str(attack.intensity),
        _words(attack.pain_locations, "body-site"),
        _words(attack.symptoms, "symptom"),
        _twitching(attack),
        _words(attack.triggers, "trigger"),
        _medication(diary, attack, tz),
        notes or "–",
    ]
    return [_cell(c, w - 2 * PADDING) for c, w in zip(cells, widths, strict=True)]


def _log_table(titles: Sequence[str], rows: list[list[Any]], widths: Sequence[float]) -> Any:
    """A :class:`LogTable` in the log's look: ``rows`` of cells made by :func:`_cell`."""
    from fhirmig.report.log_table import LogStyle, LogTable

    header = [
        text_paragraph(title, styles().cell_bold, w - 2 * PADDING)
        if has_cjk(title)  # a translated title in CJK characters needs the CJK font
        else wrap_plain(title, w - 2 * PADDING, CELL_SIZE, BOLD_FONT)
        for title, w in zip(titles, widths, strict=True)
    ]
    look = LogStyle(
        font=BODY_FONT,
        bold=BOLD_FONT,
        size=CELL_SIZE,
        leading=CELL_SIZE * 1.2,
        pad_left=PADDING,
        pad_right=PADDING,
        pad_top=1.5,
        pad_bottom=1.5,
        ink=INK,
        header_fill=HEADER_FILL,
        stripe=STRIPE,
        rule=RULE,
    )
    return LogTable(header, rows, list(widths), look)


def entries_table(
    titles: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> Any:
    """A long table of plain text (user text included, never markup) in the log's lean
    table: linear in its rows, however many pages it runs over."""
    cells = [[_cell(c, w - 2 * PADDING) for c, w in zip(row, widths, strict=True)] for row in rows]
    return _log_table(titles, cells, widths)


def attack_log(
    diary: Diary,
    attacks: Sequence[Attack],
    width: float,
    *,
    scope: str | None = None,
    after: Sequence[Any] = (),
) -> list[Any]:
    """The flowables of Appendix A on landscape pages: the log table, the long notes in
    full, then ``after`` (the twitching entries in full). ``width`` is the width of the
    landscape frame; ``scope`` says which attacks the log holds."""
    from reportlab.platypus import NextPageTemplate, PageBreak

    st = styles()
    out: list[Any] = [NextPageTemplate("wide"), PageBreak()]
    out.append(paragraph(_("Appendix A: Attack log"), st.h1))
    intro = ngettext(
        "{count} attack {scope}, times in the patient's zone ({timezone}); intensity 0-10. "
        "Medication: name, dose, time, (relief); relief methods: method (effect).",
        "{count} attacks {scope}, times in the patient's zone ({timezone}); intensity 0-10. "
        "Medication: name, dose, time, (relief); relief methods: method (effect).",
        len(attacks),
    ).format(
        count=len(attacks),
        scope=_("of the period") if scope is None else scope,
        timezone=markup(diary.patient.timezone),
    )
    out.append(paragraph(intro, st.note))
    if not attacks:
        out.append(paragraph(_("No attacks in this period."), st.body))
        return [*out, *after, NextPageTemplate("page")]
    tz = diary.patient.tz
    widths = [width * share for _title, share in COLUMNS]
    long_notes: list[Attack] = []
    rows = [_row(diary, a, tz, widths, long_notes) for a in attacks]
    out.append(_log_table([_(title) for title, _share in COLUMNS], rows, widths))
    if long_notes:
        out.append(paragraph(_("Long notes in full"), st.h2))
        for attack in long_notes:
            start = _local(attack.start, tz)
            out.append(paragraph(f"<b>{fmt_date(start.date())} {start:%H:%M}</b>", st.body))
            out.append(text_paragraph(attack.notes or "", st.body, width))
    out += after
    out.append(NextPageTemplate("page"))
    return out

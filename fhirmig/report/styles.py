"""Paragraph and table styles of the report: one small, print-friendly visual language.

Colours are chosen to stay distinct in grey-scale print: every meaning that a colour
carries is also carried by a grey level, a letter or a mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from fhirmig.report.fonts import (
    BODY_FONT,
    BOLD_FONT,
    SOFT_HYPHEN,
    has_cjk,
    markup,
    plain,
    register_fonts,
    text_width,
)
from fhirmig.report.kinsoku import break_before
from fhirmig.report.kinsoku import install as install_kinsoku

__all__ = [
    "HEADER_FILL",
    "INK",
    "MUTED",
    "RULE",
    "STRIPE",
    "Styles",
    "UserText",
    "cjk_markup",
    "paragraph",
    "styles",
    "table_style",
    "text_paragraph",
    "wrap_lines",
    "wrap_plain",
    "wrapped_markup",
]

INK = "#1a1a1a"
MUTED = "#555555"
RULE = "#9a9a9a"
HEADER_FILL = "#e4e4e4"
STRIPE = "#f2f2f2"


@dataclass(frozen=True)
class Styles:
    """The paragraph styles every section uses."""

    title: Any
    h1: Any
    h2: Any
    body: Any
    small: Any
    cell: Any
    cell_bold: Any
    who: Any
    who_bold: Any
    bullet: Any
    note: Any
    #: page one: key figures (never smaller than body text) and the findings table
    key: Any
    key_bold: Any
    label: Any
    finding: Any


@cache
def styles() -> Styles:
    """The report's paragraph styles (fonts registered on first use)."""
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    from reportlab.lib.colors import HexColor

    ink, muted = HexColor(INK), HexColor(MUTED)
    base = ParagraphStyle("body", fontName=BODY_FONT, fontSize=9, leading=11.5, textColor=ink)
    return Styles(
        title=ParagraphStyle("title", parent=base, fontName=BOLD_FONT, fontSize=16, leading=20),
        h1=ParagraphStyle(
            "h1",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            keepWithNext=1,
            spaceAfter=6,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=10.5,
            leading=13,
            spaceBefore=8,
            keepWithNext=1,
            spaceAfter=3,
        ),
        body=ParagraphStyle("p", parent=base, spaceAfter=4),
        small=ParagraphStyle("small", parent=base, fontSize=7.5, leading=9, textColor=muted),
        cell=ParagraphStyle("cell", parent=base, fontSize=7, leading=8.4),
        cell_bold=ParagraphStyle("cellb", parent=base, fontName=BOLD_FONT, fontSize=7, leading=8.4),
        who=ParagraphStyle("who", parent=base, fontSize=8.5, leading=10.5),
        who_bold=ParagraphStyle(
            "whob", parent=base, fontName=BOLD_FONT, fontSize=9.5, leading=11.5
        ),
        bullet=ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=2, spaceAfter=2),
        note=ParagraphStyle(
            "note",
            parent=base,
            fontSize=8,
            leading=10,
            textColor=muted,
            spaceBefore=2,
            spaceAfter=4,
        ),
        key=ParagraphStyle("key", parent=base, fontSize=9.5, leading=11.5),
        key_bold=ParagraphStyle("keyb", parent=base, fontName=BOLD_FONT, fontSize=10, leading=12),
        label=ParagraphStyle("label", parent=base, fontName=BOLD_FONT, fontSize=8.5, leading=10.5),
        finding=ParagraphStyle("finding", parent=base, fontSize=9, leading=11, spaceAfter=1.5),
    )


def paragraph(text: str, style: Any | None = None, **kwargs: Any) -> Any:
    """A Paragraph of already-safe markup (see :func:`fhirmig.report.fonts.markup`).

    Chinese, Japanese or Korean words of fhirmig's own (a translated report) are set in
    the CJK font, and such a paragraph breaks lines between CJK characters (they have no
    spaces between words).
    """
    from reportlab.platypus import Paragraph

    chosen = style if style is not None else styles().body
    if has_cjk(text):
        text, chosen = cjk_markup(text), _cjk_style(chosen)
    if SOFT_HYPHEN in text:  # a catalogue's break point in a long word: "Kopf-/schmerztage"
        text, chosen = text.replace(SOFT_HYPHEN, "&shy;"), _hyphen_style(chosen)
    return Paragraph(text, chosen, **kwargs)


_TAG = re.compile(r"(<[^>]*>)")


def cjk_markup(text: str) -> str:
    """Paragraph markup with every CJK run outside a ``<font>`` already naming a face set
    in the CJK font (tags and entities are left as they are)."""
    from fhirmig.report.fonts import cjk_font, cjk_runs

    out: list[str] = []
    inside_face = 0
    for piece in _TAG.split(text):
        if piece.startswith("<"):
            if piece.startswith("<font") and "face=" in piece:
                inside_face += 1
            elif piece.startswith("</font") and inside_face:
                inside_face -= 1
            out.append(piece)
        elif inside_face or not has_cjk(piece):
            out.append(piece)
        else:
            out.append(
                "".join(
                    f'<font face="{cjk_font()}">{run}</font>' if is_cjk else run
                    for run, is_cjk in cjk_runs(piece)
                )
            )
    return "".join(out)


_CJK_STYLES: dict[str, Any] = {}
_HYPHEN_STYLES: dict[str, Any] = {}


def _hyphen_style(style: Any) -> Any:
    """``style`` breaking words at their soft hyphens, with a visible hyphen."""
    from reportlab.lib.styles import ParagraphStyle

    found = _HYPHEN_STYLES.get(style.name)
    if found is None or found.parent is not style:
        found = ParagraphStyle(f"{style.name}-shy", parent=style, embeddedHyphenation=1)
        _HYPHEN_STYLES[style.name] = found
    return found


def _cjk_style(style: Any) -> Any:
    """``style`` breaking lines between CJK characters, by the Japanese rules of which marks
    may not start or end a line (:mod:`fhirmig.report.kinsoku`); one copy per style, kept."""
    from reportlab.lib.styles import ParagraphStyle

    install_kinsoku()
    found = _CJK_STYLES.get(style.name)
    if found is None or found.parent is not style:
        found = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
        _CJK_STYLES[style.name] = found
    return found


def table_style(header_rows: int = 1, *, zebra: bool = True) -> Any:
    """A TableStyle with a grey header, thin rules and optional zebra rows."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    commands: list[tuple[Any, ...]] = [("FONT", (0, 0), (-1, -1), BODY_FONT, 7.5)]
    if header_rows:  # (0, -1) would mean "every row": no header, no header look
        last = header_rows - 1
        commands += [
            ("FONT", (0, 0), (-1, last), BOLD_FONT, 7.5),
            ("BACKGROUND", (0, 0), (-1, last), colors.HexColor(HEADER_FILL)),
            ("LINEBELOW", (0, last), (-1, last), 0.6, colors.HexColor(RULE)),
        ]
    else:
        commands.append(("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE)))
    commands += [
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.HexColor(RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        shades = [colors.white, colors.HexColor(STRIPE)]
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), shades))
    return TableStyle(commands)


@cache
def _widest_em(font: str) -> float:
    """The advance width of ``font``'s widest glyph, in em (no text is wider per char)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    return float(max(getFont(font).face.charWidths.values())) / 1000


def wrap_plain(text: str, width: float, size: float = 7.0, font: str = BODY_FONT) -> str:
    """``text`` broken into lines that fit ``width`` in ``font`` at ``size`` points.

    For plain table cells: reportlab draws a string cell line by line, several times
    cheaper than a Paragraph, and never parses it as markup. Words wider than the cell are
    broken; right-to-left lines are put in display order. Results are remembered: a diary
    repeats the same cell texts many times.
    """
    return _wrap(plain(text), width, size, font)


#: Slack left at the end of pre-wrapped lines, so that the Paragraph never breaks them again.
_EDGE = 0.01


@lru_cache(maxsize=8192)
def _wrap(text: str, width: float, size: float, font: str) -> str:
    from fhirmig.report.rtl import base_direction, display_line

    base = base_direction(text)
    return "\n".join(display_line(line, base) for line in wrap_lines(text, width, size, font))


def wrap_lines(text: str, width: float, size: float = 7.0, font: str = BODY_FONT) -> list[str]:
    """``text`` broken into lines that fit ``width``, in logical (reading) order.

    Line breaks of the text are kept, blank lines too. Arabic letters are measured in their
    joined forms and CJK characters in the CJK font, as they will print. For text that goes
    on into a Paragraph: pass each line through :func:`~fhirmig.report.fonts.markup`.
    """
    from reportlab.lib.utils import simpleSplit

    from fhirmig.report.rtl import shape

    register_fonts()
    text = shape(text)
    cjk = has_cjk(text)
    if "\n" not in text and (
        (not cjk and len(text) * size * _widest_em(font) <= width)
        or text_width(text, font, size) <= width
    ):
        return [text]
    lines: list[str] = []
    for part in text.split("\n"):
        if not part.strip():
            lines.append("")
        elif cjk:
            lines += _greedy_lines(part, width, font, size)
        else:
            for line in simpleSplit(part, font, size, width):
                lines += _cut_word(line, width, font, size)
    return lines


def _greedy_lines(text: str, width: float, font: str, size: float) -> list[str]:
    """Words (space-separated) filled into lines; a word wider than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        *whole, current = _cut_word(word, width, font, size)
        lines += whole
    lines.append(current)
    return lines


def _cut_word(word: str, width: float, font: str, size: float) -> list[str]:
    """``word`` cut into pieces that fit ``width`` (itself when it fits)."""
    pieces: list[str] = []
    while len(word) > 1 and text_width(word, font, size) > width:
        low, high = 1, len(word) - 1  # the longest prefix that fits, at least one char
        while low < high:
            mid = (low + high + 1) // 2
            if text_width(word[:mid], font, size) <= width:
                low = mid
            else:
                high = mid - 1
        low = break_before(word, low) or low  # kinsoku: no closing mark first on a line
        pieces.append(word[:low])
        word = word[low:]
    pieces.append(word)
    return pieces


class UserText(str):
    """A table cell of the patient's own text (not markup): wrapped and escaped by the
    table, so that right-to-left lines are put in display order one by one."""

    __slots__ = ()


def wrapped_markup(text: str, width: float, size: float, font: str = BODY_FONT) -> str:
    """Paragraph markup of user text for a column ``width`` wide at ``size`` points.

    Right-to-left text is broken into lines here, in reading order, so that each line is
    put in display order on its own (with the base direction of the whole text); other
    text is left for the Paragraph to wrap.
    """
    from fhirmig.report.rtl import base_direction

    base = base_direction(text)
    if base is None:
        return markup(text, newlines=True)
    lines = wrap_lines(plain(text), width - _EDGE, size, font)
    return "<br/>".join(markup(line, base=base) for line in lines)


def text_paragraph(text: str, style: Any, width: float, **kwargs: Any) -> Any:
    """A Paragraph of plain text (never markup) in a frame or cell ``width`` points wide.

    For every paragraph that holds the patient's words: right-to-left lines come out in
    reading order (see :func:`wrapped_markup`).
    """
    room = width - style.leftIndent - style.rightIndent
    return paragraph(wrapped_markup(text, room, style.fontSize, style.fontName), style, **kwargs)

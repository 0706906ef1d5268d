"""The data tables of the report's sections: one look, cheap cells, rows that can split.

Short cells without markup stay plain strings, which reportlab draws line by line, several
times cheaper than a Paragraph; the patient's own text (:class:`UserText`) is wrapped and
escaped here, so that right-to-left lines are put in display order one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhirmig.report.fonts import BODY_FONT, has_cjk
from fhirmig.report.i18n import fmt_decimal, fmt_percent
from fhirmig.report.rtl import has_rtl
from fhirmig.report.styles import (
    UserText,
    paragraph,
    styles,
    table_style,
    text_paragraph,
    wrap_plain,
)

__all__ = ["PLAIN_CELL_CHARS", "data_table", "num", "pct"]

#: longer plain cells stay Paragraphs so that a row can continue on the next page
PLAIN_CELL_CHARS = 500


def pct(value: float | None) -> str:
    """A share as a whole percentage (the locale's way), ``–`` when unknown."""
    return fmt_percent(value)


def num(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals (the locale's decimal sign), ``–`` when unknown."""
    return fmt_decimal(value, digits)


def data_table(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Any:
    """A table of markup cells with a header row repeated on each page."""
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
